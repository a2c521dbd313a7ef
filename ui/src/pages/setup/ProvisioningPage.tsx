import { useState } from "react";
import { api, type ProvisioningView } from "../../backend/api";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { useConnection } from "../../state/connection";
import { useNavigation } from "../../state/navigation";
import { MappingSection } from "./MappingSection";
import { OpenLink } from "./OpenLink";
import { useProvisioning } from "./provisioning";
import { ScimSettingsSection } from "./ScimSettingsSection";
import { ScimTestSection } from "./ScimTestSection";
import { ProvisioningStepSummary } from "./StepStatus";

export const PROVISIONING_PAGE = "setup-provisioning";
export const VERIFY_PAGE = "setup-verify";

/** Step 3: automatic provisioning (SCIM) from Entra ID to IAM Identity Center. */
export function ProvisioningPage() {
  const provisioning = useProvisioning();
  const nav = useNavigation();
  const view = provisioning.data;
  // "Replace token" can be asked for from several places (token line, expiry, a failed test).
  const [replacing, setReplacing] = useState(false);

  return (
    <section className="page setup-page" aria-labelledby="provisioning-title" data-testid="setup-provisioning-page">
      <div className="page-header">
        <h1 id="provisioning-title">3 · Automatic provisioning</h1>
      </div>
      <ProvisioningStepSummary id="provisioning" />
      <p className="page-intro">
        Microsoft Entra ID (formerly Azure AD) creates, updates and disables your users and groups in IAM Identity Center
        (formerly AWS SSO) over SCIM. AWS gives an endpoint and an access token; Entra needs both. Gatehouse keeps the token
        in the OS keychain, tests it the way Entra does, and counts down to its yearly expiry.
      </p>

      {provisioning.isPending && (
        <p className="muted">
          <Spinner /> Reading the provisioning settings…
        </p>
      )}
      {provisioning.isError && (
        <ErrorCallout
          error={provisioning.error}
          title="Could not read the provisioning settings"
          onRetry={() => void provisioning.refetch()}
          retrying={provisioning.isFetching}
        />
      )}
      {view !== undefined && (
        <>
          <EnableSection view={view} />
          <ScimSettingsSection view={view} replacing={replacing} setReplacing={setReplacing} />
          <ScimTestSection view={view} onReplaceToken={() => setReplacing(true)} />
          <EntraSection view={view} />
          <MappingSection view={view} />
          <div className="row">
            <button type="button" onClick={() => nav.navigate(VERIFY_PAGE)} data-testid="go-to-verify">
              Continue with step 4: Verify <span aria-hidden="true">→</span>
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** Turning provisioning on is console-only in AWS. */
function EnableSection({ view }: { view: ProvisioningView }) {
  const conn = useConnection();
  const nav = useNavigation();
  // The link goes to the connected instance's region; without a connection it could be wrong.
  const consoleUrl = conn.status !== null ? view.console_url : null;
  return (
    <section className="setup-section" aria-labelledby="provisioning-enable">
      <h2 id="provisioning-enable">
        <span className="step-tag">3a</span> Turn on automatic provisioning in AWS
      </h2>
      <p className="muted">AWS has no API for this part: it is done in the console, once (and a new token every year).</p>
      <ol className="steps">
        <li>
          <p>
            In the AWS console: <b>IAM Identity Center (formerly AWS SSO) → Settings → Identity source → Automatic provisioning → Enable</b>.
          </p>
          {consoleUrl !== null ? (
            <OpenLink url={consoleUrl} label="Open IAM Identity Center settings" className="small" testId="open-provisioning-console" />
          ) : (
            <p className="muted" data-testid="provisioning-console-needs-connection">
              Connect Gatehouse to AWS to get a link to the right region.{" "}
              <button type="button" className="link-button" onClick={nav.openConnect}>
                Connect…
              </button>
            </p>
          )}
        </li>
        <li>
          AWS then shows two values: the <b>SCIM endpoint</b> and the <b>access token</b> (choose <b>Show token</b>). Copy
          both into the form below. AWS shows the token only this once.
        </li>
        <li>
          The token is valid for one year. AWS allows two tokens at a time, so a new one can be created before the old one
          is deleted.
        </li>
      </ol>
    </section>
  );
}

/** Where the two values go in Entra, and the settings that are easy to miss there. */
function EntraSection({ view }: { view: ProvisioningView }) {
  const endpoint = view.endpoint?.url ?? null;
  return (
    <section className="setup-section" aria-labelledby="provisioning-entra">
      <h2 id="provisioning-entra">
        <span className="step-tag">3d</span> In Microsoft Entra ID
      </h2>
      <ol className="steps">
        <li>
          <p>
            Open the enterprise application (step 1) → <b>Provisioning</b>, and set <b>Provisioning Mode</b> to{" "}
            <b>Automatic</b>.
          </p>
          <OpenLink url={() => api.entraEnterpriseAppsUrl()} label="Open Enterprise applications in Entra" className="small" />
        </li>
        <li>
          <p>
            Under <b>Admin credentials</b>, enter the two values, choose <b>Test connection</b>, then <b>Save</b>:
          </p>
          <dl className="fields entra-credentials" data-testid="entra-credentials">
            <div className="field">
              <dt>Tenant URL</dt>
              <dd>
                {endpoint !== null ? (
                  <>
                    <span className="mono value" data-testid="entra-tenant-url">
                      {endpoint}
                    </span>
                    <CopyButton value={endpoint} label="Copy the SCIM endpoint (Tenant URL)" />
                  </>
                ) : (
                  <span className="muted">the SCIM endpoint (save it above)</span>
                )}
              </dd>
            </div>
            <div className="field">
              <dt>Secret Token</dt>
              <dd>
                <span className="value">
                  the access token, pasted from AWS.{" "}
                  <span className="muted">Gatehouse keeps it in the OS keychain and never shows it again.</span>
                </span>
              </dd>
            </div>
          </dl>
        </li>
        <li>
          Under <b>Settings</b>, enter a <b>Notification Email</b> and tick <b>Send an email notification when a failure
          occurs</b>. Recommended: otherwise a failing or expired token goes unnoticed until someone cannot sign in.
        </li>
        <li>
          Under <b>Settings → Scope</b>, choose <b>Sync only assigned users and groups</b>, so that only the users and groups
          assigned to the application reach AWS.
        </li>
        <li>
          Check the attribute mappings (below), set <b>Provisioning Status</b> to <b>On</b> and choose <b>Save</b>. The first
          cycle starts within minutes; later cycles run about every 40 minutes.
        </li>
      </ol>
    </section>
  );
}
