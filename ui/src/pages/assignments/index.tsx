/** Registers the "Account assignments" page (the matrix) in the sidebar. */
import type { PageDef } from "../registry";
import { AssignmentsPage } from "./AssignmentsPage";
import "./assignments.css";

export const ASSIGNMENTS_PAGE = "assignments";

/** Account assignments: the matrix, its pivots, staging and the pending changes. */
export const assignmentPages: readonly PageDef[] = [{ id: ASSIGNMENTS_PAGE, label: "Account assignments", Component: AssignmentsPage }];

export { syntheticSnapshot } from "./synthetic";
