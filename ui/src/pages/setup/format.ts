import type { Finding, Severity } from "../../backend/api";
import type { Tone } from "../../components/Callout";

/** "812 days left", "1 day left", "expires today", "expired 3 days ago". */
export function daysLeftText(days: number): string {
  if (days > 1) return `${days} days left`;
  if (days === 1) return "1 day left";
  if (days === 0) return "expires today";
  return days === -1 ? "expired yesterday" : `expired ${-days} days ago`;
}

/** An RFC 3339 UTC time as a date: "2028-01-01" (what Entra and openssl show, unambiguous). */
export function isoDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

export function findingTone(severity: Severity): Tone {
  return severity === "error" ? "error" : "attention";
}

/** Short headlines for the codes the backend sends; the message says the rest. */
const FINDING_TITLES: Record<string, string> = {
  "certificate-expired": "The signing certificate has expired",
  "certificate-expiring-soon": "The signing certificate expires soon",
  "certificate-not-yet-valid": "The signing certificate is not valid yet",
  "active-certificate-unknown": "Which signing certificate is in use is unknown",
  "missing-signing-certificate": "No signing certificate",
  "invalid-certificate": "A certificate cannot be read",
  "unsupported-idp": "Not Microsoft Entra ID",
  "missing-entity-id": "No entity ID",
  "missing-sso-url": "No SAML sign-in URL",
  "missing-acs-url": "No ACS URL",
  "metadata-expired": "The metadata document has expired",
  "region-mismatch": "Region mismatch: this SP metadata is from another region",
  "directory-mismatch": "Directory mismatch: this SP metadata is from another Identity Center",
};

export function findingTitle(finding: Finding): string {
  return FINDING_TITLES[finding.code] ?? (finding.severity === "error" ? "Problem to fix" : "Warning");
}

/** The headline of a refused import, from the code the backend puts in `detail`. */
export function importErrorTitle(code: string | null, pasted: boolean): string {
  const what = pasted ? "The pasted text" : "The file";
  switch (code) {
    case "wrong-document-kind":
      return `${what} is not the document this step needs`;
    case "too-large":
      return `${what} is too large to be SAML metadata`;
    case "empty":
      return `${what} is empty`;
    case "unsafe-xml":
      return `${what} was refused for safety`;
    case "not-xml":
    case "malformed-xml":
    case "wrong-root":
      return `${what} is not SAML metadata Gatehouse can read`;
    default:
      return `${what} was not imported`;
  }
}
