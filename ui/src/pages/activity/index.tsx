/** Registers the Activity page (the audit log of applied change sets) in the sidebar. */
import type { PageDef } from "../registry";
import { ActivityPage } from "./ActivityPage";
import "./activity.css";

export const ACTIVITY_PAGE = "activity";

export const activityPages: readonly PageDef[] = [{ id: ACTIVITY_PAGE, label: "Activity", Component: ActivityPage }];
