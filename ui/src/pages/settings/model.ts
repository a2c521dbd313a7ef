/**
 * The Settings page's pure rules: the apply speed limits AWS imposes (checked as the admin
 * types, before the backend checks them again) and how Gatehouse's policy actions are grouped.
 */
import type { ApplySettings, PolicyAction } from "../../backend/api";

/** AWS: at most 15 outstanding asynchronous account-assignment creations per account. */
export const MAX_OUTSTANDING = { min: 1, max: 15 } as const;
/** AWS: about 20 sso-admin requests per second for the whole account. */
export const REQUESTS_PER_SECOND = { min: 1, max: 20 } as const;

export interface ApplySettingsDraft {
  max_outstanding: string;
  requests_per_second: string;
}

export type ApplySettingsErrors = Partial<Record<keyof ApplySettings, string>>;

export function draftOf(s: ApplySettings): ApplySettingsDraft {
  return { max_outstanding: String(s.max_outstanding), requests_per_second: String(s.requests_per_second) };
}

function whole(text: string, range: { min: number; max: number }, what: string): { value: number } | { error: string } {
  const t = text.trim();
  if (t === "") return { error: `Enter the ${what} (${range.min}–${range.max}).` };
  if (!/^\d+$/.test(t)) return { error: `The ${what} is a whole number from ${range.min} to ${range.max}.` };
  const n = Number(t);
  if (n < range.min || n > range.max) return { error: `The ${what} must be from ${range.min} to ${range.max}.` };
  return { value: n };
}

/** The settings the draft describes, or what is wrong with each field. */
export function parseApplySettings(draft: ApplySettingsDraft): { settings: ApplySettings | null; errors: ApplySettingsErrors } {
  const outstanding = whole(draft.max_outstanding, MAX_OUTSTANDING, "number of outstanding requests");
  const rps = whole(draft.requests_per_second, REQUESTS_PER_SECOND, "number of requests per second");
  const errors: ApplySettingsErrors = {};
  if ("error" in outstanding) errors.max_outstanding = outstanding.error;
  if ("error" in rps) errors.requests_per_second = rps.error;
  if ("value" in outstanding && "value" in rps) {
    return { settings: { max_outstanding: outstanding.value, requests_per_second: rps.value }, errors };
  }
  return { settings: null, errors };
}

/**
 * Which field a backend validation message is about (it names the setting in words), so the
 * message can be shown next to it; null when it cannot be told.
 */
export function fieldOfMessage(message: string): keyof ApplySettings | null {
  const m = message.toLowerCase();
  if (m.includes("outstanding")) return "max_outstanding";
  if (m.includes("per second") || m.includes("requests_per_second") || m.includes("rate")) return "requests_per_second";
  return null;
}

export function sameSettings(a: ApplySettings, b: ApplySettings): boolean {
  return a.max_outstanding === b.max_outstanding && a.requests_per_second === b.requests_per_second;
}

/** `sso:ListInstances` → `sso`. */
export function serviceOf(action: string): string {
  const i = action.indexOf(":");
  return i > 0 ? action.slice(0, i) : action;
}

/** Reads first, then writes; by action name within each. */
export function sortActions(actions: readonly PolicyAction[]): PolicyAction[] {
  return [...actions].sort((a, b) => (a.access === b.access ? a.action.localeCompare(b.action) : a.access === "read" ? -1 : 1));
}
