/**
 * Provisioning (Setup steps 3–4) answers for the fake backend: a stateful fake of the commands
 * (what SQLite and the keychain hold) from which each view is computed, simplified from the
 * real rules in Rust, plus realistic test results and verification reports.
 */
import type {
  EndpointInfo,
  MappingRow,
  ProvisioningView,
  ScimTestResult,
  ScimVerdict,
  SetupStep,
  TokenInfo,
  VerificationReport,
  VerificationSummary,
} from "../../backend/api";
import { GatehouseError } from "../../backend/errors";
import { fakeApi } from "../fakeBackend";

export const ENDPOINT = "https://scim.eu-west-1.amazonaws.com/Ab1cD2eF3gH4-5i6j7k8/scim/v2";
export const TENANT_ID = "Ab1cD2eF3gH4-5i6j7k8";
export const NONSTANDARD_ENDPOINT = "http://127.0.0.1:8087/scim/v2";
export const TOKEN = "scim-unit-token-0123456789abcdef-WXYZ";

export const ROTATION_STEPS = [
  "AWS allows two SCIM access tokens at once, so you can rotate without interrupting provisioning.",
  "In IAM Identity Center → Settings → Identity source → Automatic provisioning, choose Generate token and copy the new token.",
  "In Microsoft Entra ID, open the enterprise application → Provisioning → Admin credentials, paste it into Secret Token, choose Test connection, then Save.",
  "Save the new token here (Replace token) with today's date as its creation date.",
  "Back in IAM Identity Center, delete the old token.",
];

export const MAPPING: MappingRow[] = [
  { id: "user-name", entra_source: "userPrincipalName", scim_target: "userName", action: "keep", note: "The sign-in name in AWS; must be unique." },
  { id: "display-name", entra_source: "displayName", scim_target: "displayName", action: "keep", note: "Required by AWS." },
  {
    id: "email",
    entra_source: "Coalesce([mail],[userPrincipalName])",
    scim_target: 'emails[type eq "work"].value',
    action: "change",
    note: "The default source, mail, is empty for users without an Exchange licence.",
  },
  { id: "external-id", entra_source: "objectId", scim_target: "externalId", action: "add", note: "Ties the AWS user to the Entra object." },
];

export const MAPPING_TEXT =
  "Attribute mappings for the AWS IAM Identity Center enterprise application in Microsoft Entra ID\n" +
  "Action  AWS (SCIM) attribute  Entra source attribute\nkeep    userName              userPrincipalName\n";

export function tokenInfo(overrides: Partial<TokenInfo> = {}): TokenInfo {
  return {
    last4: "WXYZ",
    stored_at: "2026-03-01T12:00:00Z",
    created_on: "2026-03-01",
    expires_on: "2027-03-01",
    days_left: 287,
    level: "ok",
    threshold_days: null,
    message:
      "The SCIM access token is valid until 2027-03-01 (287 days left). Gatehouse will flag it 90, 30 and 7 days before; AWS Health also sends a notice about 90 days before.",
    rotation_steps: ROTATION_STEPS,
    ...overrides,
  };
}

export function attentionToken(days = 25): TokenInfo {
  return tokenInfo({
    days_left: days,
    level: "attention",
    threshold_days: 30,
    expires_on: "2026-12-10",
    message: `The SCIM access token expires on 2026-12-10, in ${days} days (within 30 days). When it expires, Entra stops provisioning to AWS.`,
  });
}

export function expiredToken(): TokenInfo {
  return tokenInfo({
    days_left: -3,
    level: "expired",
    expires_on: "2026-11-12",
    message: "The SCIM access token expired on 2026-11-12 (3 days ago). Entra's provisioning to AWS has stopped.",
  });
}

export function testResult(verdict: ScimVerdict, overrides: Partial<ScimTestResult> = {}): ScimTestResult {
  const base: Record<ScimVerdict, Pick<ScimTestResult, "message" | "detail" | "http_status" | "network_failure">> = {
    ok: { message: "The endpoint accepted the token and answered as a SCIM server. Entra's Test connection will pass.", detail: null, http_status: 200, network_failure: null },
    token_rejected: {
      message: "The endpoint refused the token (HTTP 401). It is wrong, deleted, expired or another instance's: generate a new one.",
      detail: "401 Unauthorized",
      http_status: 401,
      network_failure: null,
    },
    not_found: { message: "The endpoint answered 404: the path or tenant id is wrong.", detail: "404 Not Found", http_status: 404, network_failure: null },
    unreachable: {
      message: "scim.eu-west-1.amazonaws.com could not be resolved. Check the host name and the network.",
      detail: "dns error: failed to lookup address information",
      http_status: null,
      network_failure: "dns",
    },
    timeout: { message: "The endpoint did not answer within 15 seconds. Try again.", detail: "timed out after 15s", http_status: null, network_failure: null },
    not_scim: { message: "The address answers, but not as a SCIM server (an HTML page).", detail: "text/html: <!doctype html>", http_status: 200, network_failure: null },
    server_error: { message: "The endpoint had a server error (HTTP 503). Try again later.", detail: "503 Service Unavailable", http_status: 503, network_failure: null },
    unexpected_status: { message: "The endpoint answered HTTP 429, which a working endpoint does not send here.", detail: "429 Too Many Requests", http_status: 429, network_failure: null },
  };
  return {
    verdict,
    ok: verdict === "ok",
    content_type: verdict === "ok" ? "application/scim+json" : null,
    endpoint: ENDPOINT,
    tested_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    elapsed_ms: 412,
    ...base[verdict],
    ...overrides,
  };
}

export function report(overrides: Partial<VerificationReport> = {}): VerificationReport {
  return {
    identity_store_id: "d-9367012345",
    region: "eu-west-1",
    verified_at: new Date().toISOString(),
    user_count: 6,
    group_count: 3,
    membership_count: 7,
    problems: [
      {
        kind: "users_without_email",
        level: "warning",
        message: "These users arrived without an email address. Map emails from userPrincipalName in Entra.",
        items: [
          { id: "u-1", name: "kim@corp.example", detail: null, shared_value: null },
          { id: "u-2", name: "lee@corp.example", detail: null, shared_value: null },
        ],
      },
      {
        kind: "duplicate_display_names",
        level: "warning",
        message: "Several users share a display name.",
        items: [
          { id: "u-3", name: "alex.smith@corp.example", detail: null, shared_value: "Alex Smith" },
          { id: "u-4", name: "asmith@corp.example", detail: null, shared_value: "Alex Smith" },
        ],
      },
      {
        kind: "users_without_groups",
        level: "info",
        message: "These users are in no group.",
        items: Array.from({ length: 9 }, (_, i) => ({ id: `u-x${i}`, name: `user${i}@corp.example`, detail: null, shared_value: null })),
      },
    ],
    expected_groups: [
      { name: "AWS-Admins", arrived: true, group_id: "g-1", member_count: 3 },
      { name: "AWS-Auditors", arrived: false, group_id: null, member_count: null },
    ],
    missing_groups: ["AWS-Auditors"],
    notes: [
      "A group that has not arrived: check in Entra that it is assigned to the enterprise application.",
      "Nested groups are not provisioned: only direct members of an assigned group arrive.",
      "Entra runs a provisioning cycle about every 40 minutes.",
    ],
    summary: "6 users and 3 groups in the Identity Store (7 memberships). 4 findings to check. 1 of your 2 Entra groups have not arrived yet.",
    ...overrides,
  };
}

/** The state the fake backend keeps, from which each view is computed. */
export interface FakeProvisioningState {
  endpoint: string | null;
  endpoint_warnings: string[];
  token: TokenInfo | null;
  last_test: ScimTestResult | null;
  mapping_confirmed_at: string | null;
  expected_groups: string[];
  last_verification: VerificationSummary | null;
  steps?: SetupStep[];
  connected_region: string | null;
  /** The token the fake "keychain" holds (to check what reached the backend). */
  keychain: string | null;
}

export function emptyProvisioning(): FakeProvisioningState {
  return {
    endpoint: null,
    endpoint_warnings: [],
    token: null,
    last_test: null,
    mapping_confirmed_at: null,
    expected_groups: [],
    last_verification: null,
    connected_region: null,
    keychain: null,
  };
}

const STANDARD = /^https:\/\/scim\.([a-z0-9-]+)\.amazonaws\.com\/([^/]+)\/scim\/v2$/;

function endpointInfo(s: FakeProvisioningState): EndpointInfo | null {
  if (s.endpoint === null) return null;
  const m = STANDARD.exec(s.endpoint);
  const warnings = [...s.endpoint_warnings];
  if (m === null) warnings.unshift("This is not the shape of an IAM Identity Center SCIM endpoint (https://scim.<region>.amazonaws.com/<tenant>/scim/v2).");
  return { url: s.endpoint, region: m?.[1] ?? null, tenant_id: m?.[2] ?? null, standard: m !== null, warnings };
}

export function provisioningViewOf(s: FakeProvisioningState): ProvisioningView {
  const steps: SetupStep[] = s.steps ?? [
    s.endpoint === null && s.token === null
      ? { id: "provisioning", status: "not_started", summary: "Turn on automatic provisioning in IAM Identity Center, then save the SCIM endpoint and access token here." }
      : s.token === null
        ? { id: "provisioning", status: "attention", summary: "Save the SCIM access token." }
        : s.last_test === null
          ? { id: "provisioning", status: "attention", summary: "Test the connection." }
          : { id: "provisioning", status: "done", summary: "Connection tested; token valid until 2027-03-01." },
    s.last_verification === null
      ? { id: "verify", status: "not_started", summary: "After Entra's first provisioning cycle, check what arrived in IAM Identity Center." }
      : { id: "verify", status: "attention", summary: "1 of your Entra groups had not arrived at the last check." },
  ];
  return {
    endpoint: endpointInfo(s),
    token: s.token,
    last_test: s.last_test,
    mapping: MAPPING,
    mapping_confirmed_at: s.mapping_confirmed_at,
    mapping_note: s.mapping_confirmed_at !== null ? `Confirmed by you on ${s.mapping_confirmed_at.slice(0, 10)}.` : null,
    expected_groups: s.expected_groups,
    last_verification: s.last_verification,
    steps,
    console_url:
      s.connected_region !== null
        ? `https://${s.connected_region}.console.aws.amazon.com/singlesignon/home?region=${s.connected_region}#/instances/settings`
        : null,
  };
}

/** Installs the provisioning commands on the fake backend; returns the live state. */
export function installProvisioning(initial: Partial<FakeProvisioningState> = {}) {
  const state: FakeProvisioningState = { ...emptyProvisioning(), ...initial };
  const view = () => Promise.resolve(provisioningViewOf(state));
  fakeApi.provisioningView.mockImplementation(view);
  fakeApi.saveScimSettings.mockImplementation((endpoint, token, createdOn, accept) => {
    const url = endpoint.trim().replace(/\/+$/, "");
    if (!STANDARD.test(url) && !accept) {
      return Promise.reject(
        new GatehouseError(
          "validation",
          `${url} does not look like an IAM Identity Center SCIM endpoint (https://scim.<region>.amazonaws.com/<tenant>/scim/v2). Check you copied the whole value.`,
          "nonstandard-endpoint",
        ),
      );
    }
    if (url !== state.endpoint) state.last_test = null;
    state.endpoint = url;
    if (token !== null && token !== "") {
      state.keychain = token;
      state.token = tokenInfo({ last4: token.slice(-4), created_on: createdOn ?? "2026-03-01", stored_at: new Date().toISOString() });
      state.last_test = null;
    } else if (createdOn !== null && state.token !== null) {
      state.token = { ...state.token, created_on: createdOn };
    }
    return view();
  });
  fakeApi.forgetScimToken.mockImplementation(() => {
    state.token = null;
    state.keychain = null;
    state.last_test = null;
    return view();
  });
  fakeApi.testScimConnection.mockImplementation(() => {
    const result = testResult("ok");
    state.last_test = result;
    return Promise.resolve(result);
  });
  fakeApi.confirmAttributeMapping.mockImplementation((confirmed) => {
    state.mapping_confirmed_at = confirmed ? "2026-11-23T10:00:00Z" : null;
    return view();
  });
  fakeApi.setExpectedGroups.mockImplementation((groups) => {
    const seen = new Set<string>();
    state.expected_groups = groups
      .map((g) => g.trim())
      .filter((g) => g !== "" && !seen.has(g.toLowerCase()) && seen.add(g.toLowerCase()) !== undefined);
    return view();
  });
  fakeApi.verifyIdentityStore.mockImplementation(() => {
    const r = report();
    state.last_verification = {
      verified_at: r.verified_at,
      identity_store_id: r.identity_store_id,
      user_count: r.user_count,
      group_count: r.group_count,
      warning_count: 4,
      missing_groups: r.missing_groups,
      expected_groups: state.expected_groups,
      summary: r.summary,
    };
    return Promise.resolve(r);
  });
  fakeApi.attributeMappingText.mockResolvedValue(MAPPING_TEXT);
  fakeApi.entraEnterpriseAppsUrl.mockResolvedValue("https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview");
  return state;
}
