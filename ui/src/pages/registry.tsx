import type { ComponentType } from "react";
import { assignmentPages } from "./assignments";
import { ConnectionPage } from "./ConnectionPage";
import { permissionSetPages } from "./permission-sets";
import { activityPages } from "./activity";
import { reportPages } from "./reports";
import { settingsPages } from "./settings";
import { setupHeaderItems, setupPages } from "./setup";

/**
 * A page in the sidebar. Only pages whose features exist are registered; adding one is
 * one entry here. Consecutive pages with the same `group` are listed under that heading
 * (e.g. the setup steps under "Setup", each with a `Status` showing ✓ / ! / ·).
 */
export interface PageDef {
  id: string;
  label: string;
  group?: string;
  Component: ComponentType;
  /** Rendered after the label in the sidebar, e.g. `<StepStatus status="done" />`. */
  Status?: ComponentType;
}

export const pages: readonly PageDef[] = [
  { id: "connection", label: "Connection", Component: ConnectionPage },
  ...setupPages,
  ...permissionSetPages,
  ...assignmentPages,
  ...reportPages,
  ...activityPages,
  ...settingsPages,
];

/** A small indicator a feature shows at the end of the header (it renders nothing when idle). */
export interface HeaderItemDef {
  id: string;
  Component: ComponentType;
}

export const headerItems: readonly HeaderItemDef[] = [...setupHeaderItems];
