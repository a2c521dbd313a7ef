import { api } from "../../backend/api";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime } from "../../lib/format";
import { useNavigation } from "../../state/navigation";
import { useConfirmEntraApp, useFederation } from "./federation";
import { OpenLink } from "./OpenLink";
import { StepSummary } from "./StepStatus";

export const GALLERY_APP = "AWS IAM Identity Center (successor to AWS Single Sign-On)";
export const SAML_PAGE = "setup-saml";

/** Step 1: the enterprise application in Microsoft Entra ID. */
export function EntraAppPage() {
  const federation = useFederation();
  const nav = useNavigation();
  const view = federation.data;

  return (
    <section className="page setup-page" aria-labelledby="entra-app-title" data-testid="setup-entra-app-page">
      <div className="page-header">
        <h1 id="entra-app-title">1 · Entra enterprise application</h1>
        <div className="page-actions">
          <OpenLink
            url={() => api.entraEnterpriseAppsUrl()}
            label="Open Enterprise applications in Entra"
            className="primary"
            testId="open-entra-portal"
          />
        </div>
      </div>
      <StepSummary id="entra-app" />
      <p className="page-intro">
        Microsoft Entra ID (formerly Azure AD) signs your users in to IAM Identity Center (formerly AWS SSO) through an
        enterprise application created from the Entra gallery. Create it once, in the Entra admin center.
      </p>

      <section className="setup-section" aria-labelledby="entra-app-create">
        <h2 id="entra-app-create">What to create</h2>
        <ol className="steps">
          <li>
            In the Microsoft Entra admin center, open <b>Enterprise applications</b> (the button above goes straight there)
            and choose <b>New application</b>.
          </li>
          <li>
            Search the gallery for{" "}
            <span className="inline-value">
              <b data-testid="gallery-app-name">{GALLERY_APP}</b>
              <CopyButton value={GALLERY_APP} label="Copy the gallery application name" />
            </span>
            , give it a name your admins will recognise and choose <b>Create</b>.
          </li>
          <li>
            In the new application, open <b>Users and groups → Add user/group</b> and assign the users and groups who should
            reach AWS. Only direct members of an assigned group get access (nested groups are not expanded).
          </li>
          <li>
            Open <b>Single sign-on</b> and choose <b>SAML</b>.
          </li>
          <li>
            In the <b>SAML Certificates</b> section, next to <b>Federation Metadata XML</b>, choose <b>Download</b>. That
            file is what step 2 imports.
          </li>
        </ol>
      </section>

      <section className="setup-section" aria-labelledby="entra-app-status">
        <h2 id="entra-app-status">Status</h2>
        {federation.isPending && (
          <p className="muted">
            <Spinner /> Reading the setup state…
          </p>
        )}
        {federation.isError && (
          <ErrorCallout
            error={federation.error}
            title="Could not read the setup state"
            onRetry={() => void federation.refetch()}
            retrying={federation.isFetching}
          />
        )}
        {view !== undefined &&
          (view.idp !== null && view.idp.facts.kind === "entra-idp" ? (
            <p data-testid="entra-app-proof">
              Done: the application&apos;s federation metadata
              {view.idp.file_name !== null ? (
                <>
                  {" "}
                  (<span className="mono">{view.idp.file_name}</span>)
                </>
              ) : null}{" "}
              was imported on {absoluteTime(view.idp.imported_at)}, so the application exists. Nothing to confirm.
            </p>
          ) : (
            <ConfirmCheckbox confirmed={view.entra_app_confirmed_at !== null} />
          ))}
        <div className="row">
          <button type="button" onClick={() => nav.navigate(SAML_PAGE)} data-testid="go-to-saml">
            Continue with step 2: SAML <span aria-hidden="true">→</span>
          </button>
        </div>
      </section>
    </section>
  );
}

/** Nothing Gatehouse can check yet: the admin's word, recorded with the date. */
function ConfirmCheckbox({ confirmed }: { confirmed: boolean }) {
  const confirm = useConfirmEntraApp();
  return (
    <div className="subsection">
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="entra-app-confirm"
          checked={confirmed}
          disabled={confirm.isPending}
          onChange={(e) => confirm.mutate(e.target.checked)}
        />
        <span>I have created the application</span>
        {confirm.isPending && <Spinner />}
      </label>
      <p className="field-hint">
        Gatehouse cannot see into Entra: this step counts as done on your word until the federation metadata is imported
        in step 2, which proves the application exists.
      </p>
      {confirm.isError && <ErrorCallout error={confirm.error} title="Could not record the confirmation" />}
    </div>
  );
}
