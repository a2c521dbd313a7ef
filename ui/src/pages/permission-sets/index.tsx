import type { PageDef } from "../registry";
import { PermissionSetsPage } from "./PermissionSetsPage";
import "./permission-sets.css";

export const PERMISSION_SETS_PAGE = "permission-sets";

/** Permission sets: list, create, edit (as a previewed change), provision, delete. */
export const permissionSetPages: readonly PageDef[] = [
  { id: PERMISSION_SETS_PAGE, label: "Permission sets", Component: PermissionSetsPage },
];
