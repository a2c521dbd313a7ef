import { useState } from "react";
import type { FederationView, GatehouseError } from "../../backend/api";
import { toGatehouseError } from "../../backend/api";
import { pickSavePath } from "../../backend/dialog";
import { revealInFolder } from "../../backend/shell";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { useNavigation } from "../../state/navigation";
import { useSaveMetadataCopy } from "./federation";
import { OpenLink } from "./OpenLink";

/** "Show file in folder" for a file on disk. */
function RevealButton({ path, testId }: { path: string; testId: string }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        className="small"
        data-testid={testId}
        title={path}
        onClick={() => {
          setError(null);
          revealInFolder(path).catch(setError);
        }}
      >
        Show file in folder
      </button>
      {error !== null && <ErrorCallout error={error} title="Could not show the file" />}
    </>
  );
}

/** A pasted document has no file: save it as one, so it can be uploaded to AWS. */
function SaveAsFile() {
  const save = useSaveMetadataCopy("idp");
  const [pickError, setPickError] = useState<GatehouseError | null>(null);
  const [savedTo, setSavedTo] = useState<string | null>(null);

  const run = async () => {
    setPickError(null);
    let path: string | null;
    try {
      path = await pickSavePath({
        title: "Save the Entra ID federation metadata",
        defaultPath: "EntraID-FederationMetadata.xml",
        filters: [{ name: "SAML metadata (XML)", extensions: ["xml"] }],
      });
    } catch (reason) {
      setPickError(toGatehouseError(reason));
      return;
    }
    if (path === null) return;
    const chosen = path;
    save.mutate(chosen, { onSuccess: () => setSavedTo(chosen) });
  };

  return (
    <>
      <span className="muted">(pasted, no file yet)</span>
      <button type="button" className="small" data-testid="save-copy-idp" onClick={() => void run()} disabled={save.isPending}>
        {save.isPending && <Spinner />} Save as file…
      </button>
      {savedTo !== null && !save.isPending && (
        <span className="saved-to" data-testid="saved-copy-idp">
          Saved to <span className="mono">{savedTo}</span> <RevealButton path={savedTo} testId="reveal-saved-idp" />
        </span>
      )}
      {save.isError && <ErrorCallout error={save.error} title="Could not save the file" />}
      {pickError !== null && <ErrorCallout error={pickError} title="Could not open the save dialog" />}
    </>
  );
}

/** What the admin does in the AWS console between the two imports (there is no API for it). */
export function AwsConsoleSection({ view }: { view: FederationView }) {
  const nav = useNavigation();
  const idp = view.idp;
  return (
    <section className="setup-section" aria-labelledby="saml-aws-console">
      <h2 id="saml-aws-console">In the AWS console</h2>
      <p className="muted">AWS has no API for this part: it is done in the console, once.</p>
      <ol className="steps">
        <li>
          <p>
            Open <b>IAM Identity Center (formerly AWS SSO) → Settings → Identity source → Actions → Change identity source</b>{" "}
            and choose <b>External identity provider</b>.
          </p>
          {view.identity_source_console_url !== null ? (
            <OpenLink
              url={view.identity_source_console_url}
              label="Open IAM Identity Center settings"
              className="small"
              testId="open-identity-source"
            />
          ) : (
            <p className="muted" data-testid="identity-source-needs-connection">
              Connect Gatehouse to AWS first to get a link to the right region.{" "}
              <button type="button" className="link-button" onClick={nav.openConnect}>
                Connect…
              </button>
            </p>
          )}
        </li>
        <li>
          <p>
            Under <b>Identity provider metadata</b>, upload this file as <b>IdP SAML metadata</b> (Choose file):
          </p>
          {idp === null ? (
            <p className="muted">Import the Entra ID federation metadata in 2a first.</p>
          ) : (
            <div className="row" data-testid="upload-file-idp">
              {idp.source_path !== null ? (
                <>
                  <span className="mono" title={idp.source_path}>
                    {idp.file_name ?? idp.source_path}
                  </span>
                  <RevealButton path={idp.source_path} testId="reveal-idp" />
                </>
              ) : (
                <SaveAsFile />
              )}
            </div>
          )}
        </li>
        <li>
          <p>
            Download the service provider metadata file on the same page (<b>Service provider metadata → Download metadata
            file</b>) and import it in 2b below.
          </p>
        </li>
        <li>
          <p>
            Review the change, type <b>ACCEPT</b> when asked, and choose <b>Change identity source</b>.
          </p>
        </li>
      </ol>
    </section>
  );
}
