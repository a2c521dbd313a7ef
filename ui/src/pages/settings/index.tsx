/** Registers the Settings page (apply speed, Gatehouse's own IAM policy) in the sidebar. */
import type { PageDef } from "../registry";
import { SettingsPage } from "./SettingsPage";
import "./settings.css";

export const SETTINGS_PAGE = "settings";

export const settingsPages: readonly PageDef[] = [{ id: SETTINGS_PAGE, label: "Settings", Component: SettingsPage }];
