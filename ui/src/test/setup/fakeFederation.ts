/**
 * Federation (Setup steps 1–2) answers for the fake backend: realistic documents (the values of
 * tests/fixtures/metadata) and a stateful fake of the commands, so a test can import, refuse,
 * and read the view back the way the real backend does.
 */
import type {
  CertificateFacts,
  FederationView,
  Finding,
  ImportedDocument,
  ImportSource,
  SetupStep,
  Slot,
} from "../../backend/api";
import { GatehouseError } from "../../backend/errors";
import { fakeApi } from "../fakeBackend";

export const TENANT = "01f97a5a-d031-4bbc-a82d-33571ae4c1b1";

export const ACTIVE_CERT: CertificateFacts = {
  subject: "CN=Microsoft Azure Federated SSO Certificate",
  sha1: "D3518F226E5F6F8D461512958D99CE5618B2271A",
  sha256: "8F:93:7D:83:A5:F3:0E:BE:BA:02:58:C0:8F:17:95:60:01:25:97:8E:D0:8B:D6:DE:3C:03:7A:00:72:84:14:83",
  not_before: "2025-01-01T09:14:27Z",
  not_after: "2028-01-01T09:14:27Z",
  days_left: 403,
  active: true,
};

export const NEXT_CERT: CertificateFacts = {
  subject: "CN=Microsoft Azure Federated SSO Certificate",
  sha1: "7A1C0F3B9E24D5A86B0C4E2F1D9A8B7C6E5F4A3B",
  sha256: "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00",
  not_before: "2026-11-01T00:00:00Z",
  not_after: "2029-11-01T00:00:00Z",
  days_left: 1073,
  active: false,
};

export function idpDoc(overrides: Partial<ImportedDocument> = {}, findings: Finding[] = []): ImportedDocument {
  return {
    file_name: "AWS IAM Identity Center.xml",
    source_path: "/home/admin/Downloads/AWS IAM Identity Center.xml",
    imported_at: new Date().toISOString(),
    facts: {
      kind: "entra-idp",
      entity_id: `https://sts.windows.net/${TENANT}/`,
      tenant_id: TENANT,
      sso_url: `https://login.microsoftonline.com/${TENANT}/saml2`,
      region: null,
      directory_id: null,
      acs_urls: [],
      default_acs_url: null,
      certificates: [ACTIVE_CERT, NEXT_CERT],
      findings,
    },
    ...overrides,
  };
}

export const SP_ISSUER = "https://us-west-2.signin.aws.amazon.com/platform/saml/d-92d9adb5d4";
export const SP_ACS = [
  "https://us-west-2.signin.aws/platform/saml/acs/5044582d7ba498ff-6afd-43fe-b9e1-1c6c13d9f67b",
  "https://us-west-2.signin.aws.amazon.com/platform/saml/acs/5044582d7ba498ff-6afd-43fe-b9e1-1c6c13d9f67b",
  "https://us-west-2.sso.signin.aws/platform/saml/acs/5044582d7ba498ff-6afd-43fe-b9e1-1c6c13d9f67b",
];
export const DEFAULT_PORTAL = "https://d-92d9adb5d4.awsapps.com/start";

export function spDoc(overrides: Partial<ImportedDocument> = {}): ImportedDocument {
  return {
    file_name: "Custom_SSO_metadata.xml",
    source_path: "/home/admin/Downloads/Custom_SSO_metadata.xml",
    imported_at: new Date().toISOString(),
    facts: {
      kind: "aws-sp",
      entity_id: SP_ISSUER,
      tenant_id: null,
      sso_url: null,
      region: "us-west-2",
      directory_id: "d-92d9adb5d4",
      acs_urls: SP_ACS,
      default_acs_url: SP_ACS[0] ?? null,
      certificates: [],
      findings: [],
    },
    ...overrides,
  };
}

/** The state the fake backend keeps (what SQLite holds), from which each view is computed. */
export interface FakeFederationState {
  idp: ImportedDocument | null;
  sp: ImportedDocument | null;
  cross_checks: Finding[];
  custom_portal_url: string | null;
  entra_app_confirmed_at: string | null;
  steps?: SetupStep[];
  connected_region: string | null;
}

export function emptyState(): FakeFederationState {
  return { idp: null, sp: null, cross_checks: [], custom_portal_url: null, entra_app_confirmed_at: null, connected_region: null };
}

/** A simplified copy of the backend's view (enough for the UI; the real rules live in Rust). */
export function viewOf(s: FakeFederationState): FederationView {
  const sp = s.sp;
  const entra =
    sp !== null && sp.facts.kind === "aws-sp" && sp.facts.acs_urls.length > 0
      ? {
          identifier: sp.facts.entity_id,
          reply_urls: sp.facts.acs_urls,
          sign_on_url: s.custom_portal_url ?? (sp.facts.directory_id !== null ? `https://${sp.facts.directory_id}.awsapps.com/start` : null),
          sign_on_url_custom: s.custom_portal_url !== null,
        }
      : null;
  const steps: SetupStep[] = s.steps ?? [
    s.idp !== null
      ? { id: "entra-app", status: "done", summary: "The Entra enterprise application exists: its federation metadata was imported." }
      : s.entra_app_confirmed_at !== null
        ? { id: "entra-app", status: "done", summary: `Confirmed by you on ${s.entra_app_confirmed_at.slice(0, 10)}.` }
        : { id: "entra-app", status: "not_started", summary: "Create the enterprise application in Microsoft Entra ID." },
    s.idp === null && sp === null
      ? { id: "saml", status: "not_started", summary: "Import the Entra ID federation metadata." }
      : s.idp !== null && sp !== null && s.cross_checks.length === 0
        ? { id: "saml", status: "done", summary: "Both documents imported and checked; copy the values into Entra." }
        : { id: "saml", status: "attention", summary: "Now import the AWS SP metadata." },
  ];
  return {
    idp: s.idp,
    sp,
    cross_checks: s.cross_checks,
    entra_values: entra,
    custom_portal_url: s.custom_portal_url,
    entra_app_confirmed_at: s.entra_app_confirmed_at,
    steps,
    identity_source_console_url:
      s.connected_region !== null
        ? `https://${s.connected_region}.console.aws.amazon.com/singlesignon/home?region=${s.connected_region}#/instances/settings`
        : null,
  };
}

/**
 * Installs the federation commands on the fake backend. `onImport` decides what an import
 * does (return the document to keep, or throw a GatehouseError to refuse it).
 */
export function installFederation(
  initial: Partial<FakeFederationState> = {},
  onImport: (slot: Slot, source: ImportSource) => ImportedDocument = () => {
    throw new GatehouseError("internal", "No import answer in this test.");
  },
) {
  const state: FakeFederationState = { ...emptyState(), ...initial };
  fakeApi.federationView.mockImplementation(() => Promise.resolve(viewOf(state)));
  fakeApi.importMetadata.mockImplementation((slot, source) => {
    try {
      state[slot] = onImport(slot, source);
      return Promise.resolve(viewOf(state));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
  fakeApi.clearMetadata.mockImplementation((slot) => {
    state[slot] = null;
    return Promise.resolve(viewOf(state));
  });
  fakeApi.setPortalUrl.mockImplementation((url) => {
    if (url !== null && !/^https:\/\/[a-z0-9-]+\.awsapps\.com\/start$/.test(url)) {
      return Promise.reject(
        new GatehouseError("validation", "An awsapps.com access portal URL ends in /start. Use https://d-xxxxxxxxxx.awsapps.com/start or https://<alias>.awsapps.com/start."),
      );
    }
    state.custom_portal_url = url;
    return Promise.resolve(viewOf(state));
  });
  fakeApi.confirmEntraApp.mockImplementation((confirmed) => {
    state.entra_app_confirmed_at = confirmed ? "2026-11-23T10:00:00Z" : null;
    return Promise.resolve(viewOf(state));
  });
  fakeApi.saveMetadataCopy.mockResolvedValue(null);
  fakeApi.entraEnterpriseAppsUrl.mockResolvedValue(
    "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview",
  );
  return state;
}

/** The refusal the backend sends for the SP metadata pasted into the IdP slot. */
export function wrongKindError() {
  return new GatehouseError(
    "validation",
    "This is the AWS IAM Identity Center SP metadata (the file you download from AWS). Import it in step 2b, not here. This step needs the Microsoft Entra ID Federation Metadata XML.",
    "wrong-document-kind",
  );
}
