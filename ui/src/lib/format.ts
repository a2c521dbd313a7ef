import type { AccountRole, ConnectionSpec, CredentialSource, ProfileKind } from "../backend/api";

/** "111122223333" → "1111-2222-3333", as the AWS console shows account ids. */
export function formatAccountId(id: string): string {
  return /^\d{12}$/.test(id) ? `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}` : id;
}

export const ROLE_LABELS: Record<AccountRole, string> = {
  management: "management",
  delegated_admin: "delegated administrator",
  account_instance: "account instance",
  member: "member account",
  standalone: "standalone",
  unknown: "role unknown",
};

export const PROFILE_KIND_BADGES: Record<ProfileKind, string | null> = {
  sso: "SSO",
  assume_role: "role",
  access_keys: "keys",
  process: "process",
  other: null,
};

/** How the header names the credentials: "org-admin", "default credentials", "access keys". */
export function credentialsLabel(source: CredentialSource): string {
  switch (source.kind) {
    case "profile":
      return source.name;
    case "default_chain":
      return "default credentials";
    case "stored_keys":
      return "access keys";
  }
}

/** "eu-west-1 with org-admin" / "eu-west-1 with the default credentials". */
export function describeSpec(spec: ConnectionSpec): string {
  const who =
    spec.credentials.kind === "profile"
      ? `profile ${spec.credentials.name}`
      : spec.credentials.kind === "default_chain"
        ? "the default credentials"
        : "the stored access keys";
  return `${spec.region} with ${who}`;
}

/** "AKIAIOSFODNN7EXAMPLE" → "AKIA…MPLE". */
export function shortenKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}

/** The `ssoins-…` id at the end of an instance ARN. */
export function instanceIdFromArn(arn: string): string {
  const last = arn.split("/").pop();
  return last !== undefined && last !== "" ? last : arn;
}

/** "just now", "1 min ago", "12 min ago", "3 h ago", "2 days ago". */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "at an unknown time";
  const minutes = Math.floor(Math.max(0, now - then) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export function absoluteTime(iso: string): string {
  const then = new Date(iso);
  return Number.isNaN(then.getTime()) ? iso : then.toLocaleString();
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isRegionName(value: string): boolean {
  return REGION_RE.test(value);
}

/** The IAM Identity Center console in a region. */
export function identityCenterConsoleUrl(region: string): string {
  return `https://${region}.console.aws.amazon.com/singlesignon/home?region=${region}#/`;
}
