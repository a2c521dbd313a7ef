import type { ExpiryLevel, MappingAction, NetworkFailure, ProblemKind, ProblemLevel, ScimVerdict } from "../../backend/api";
import type { Tone } from "../../components/Callout";

/** The verdict of "Test connection" in plain words (the title of the result panel). */
export const VERDICT_TITLES: Record<ScimVerdict, string> = {
  ok: "Connected: the SCIM endpoint accepted the token",
  token_rejected: "Token rejected",
  not_found: "Endpoint not found",
  unreachable: "Cannot reach the endpoint",
  timeout: "Timed out",
  not_scim: "Not a SCIM server",
  server_error: "Server error",
  unexpected_status: "Unexpected answer",
};

/**
 * Red when something in the settings or the network path is wrong and retrying will not help;
 * amber when the endpoint answered oddly or slowly and a retry later may work.
 */
export function verdictTone(verdict: ScimVerdict): Tone {
  switch (verdict) {
    case "ok":
      return "ok";
    case "timeout":
    case "server_error":
    case "unexpected_status":
      return "attention";
    default:
      return "error";
  }
}

export function verdictTitle(verdict: ScimVerdict): string {
  return (VERDICT_TITLES as Partial<Record<string, string>>)[verdict] ?? "Unexpected answer";
}

export const NETWORK_FAILURE_WORDS: Record<NetworkFailure, string> = {
  dns: "the host name could not be resolved (DNS)",
  refused: "nothing listens on that address (connection refused)",
  tls: "the TLS (https) handshake failed",
  other: "the connection broke before an answer",
};

/** "287 days", "1 day", "expires today", "expired". For the header. */
export function tokenDaysShort(days: number): string {
  if (days < 0) return "expired";
  if (days === 0) return "expires today";
  return days === 1 ? "1 day" : `${days} days`;
}

/** "287 days left", "1 day left", "expires today", "expired 3 days ago". */
export function tokenDaysLong(days: number): string {
  if (days > 1) return `${days} days left`;
  if (days === 1) return "1 day left";
  if (days === 0) return "expires today";
  return days === -1 ? "expired yesterday" : `expired ${-days} days ago`;
}

export function expiryTone(level: ExpiryLevel): Tone {
  return level === "expired" ? "error" : level === "attention" ? "attention" : "ok";
}

export const MAPPING_ACTION_LABELS: Record<MappingAction, string> = {
  keep: "keep",
  add: "add",
  change: "change",
};

export const PROBLEM_TITLES: Record<ProblemKind, { title: string; noun: [string, string] }> = {
  users_without_email: { title: "Users without an email address", noun: ["user", "users"] },
  users_missing_name: { title: "Users without a first or last name", noun: ["user", "users"] },
  duplicate_display_names: { title: "Users who share a display name", noun: ["user", "users"] },
  duplicate_user_names: { title: "User names that differ only in case", noun: ["user", "users"] },
  groups_without_members: { title: "Groups without members", noun: ["group", "groups"] },
  users_without_groups: { title: "Users in no group", noun: ["user", "users"] },
};

export function problemTitle(kind: ProblemKind): { title: string; noun: [string, string] } {
  return (PROBLEM_TITLES as Partial<Record<string, { title: string; noun: [string, string] }>>)[kind] ?? { title: kind, noun: ["item", "items"] };
}

export function problemTone(level: ProblemLevel): Tone {
  return level === "warning" ? "attention" : "info";
}

export function plural(n: number, [one, many]: [string, string]): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Today as YYYY-MM-DD in the admin's time zone (what the AWS console shows for a new token). */
export function localToday(now: Date = new Date()): string {
  return localDate(now);
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Tomorrow (the backend accepts it: the console shows local dates, Gatehouse counts in UTC). */
export function localTomorrow(now: Date = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return localDate(d);
}

/** "14:05", the local time `minutes` after an RFC 3339 instant (null when unreadable). */
export function timeAfter(iso: string, minutes: number): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return new Date(t + minutes * 60_000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** The expected groups as typed in the editor: one per line, trimmed, blanks dropped. */
export function parseGroupLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

export function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i]);
}
