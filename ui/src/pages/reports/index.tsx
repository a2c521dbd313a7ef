/** Registers the Reports page (who has what, administrator access, exports) in the sidebar. */
import type { PageDef } from "../registry";
import { ReportsPage } from "./ReportsPage";
import "./reports.css";

export const REPORTS_PAGE = "reports";

export const reportPages: readonly PageDef[] = [{ id: REPORTS_PAGE, label: "Reports", Component: ReportsPage }];
