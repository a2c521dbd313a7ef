import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { EntraValues, FederationView } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { useSetPortalUrl } from "./federation";

/** One value to paste into Entra: `testId` sits on an element whose text is exactly the value. */
function EntraValue({
  label,
  value,
  copyLabel,
  testId,
  note,
}: {
  label: string;
  value: string;
  copyLabel: string;
  testId: string;
  note?: ReactNode;
}) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>
        <span className="entra-value">
          <span className="mono value" data-testid={testId}>
            {value}
          </span>
          {note}
        </span>
        <CopyButton value={value} label={`Copy ${copyLabel}`} />
      </dd>
    </div>
  );
}

/** The three values of Basic SAML Configuration, and the access portal URL behind the third. */
export function EntraValuesSection({ view }: { view: FederationView }) {
  const values = view.entra_values;
  return (
    <section className="setup-section" aria-labelledby="saml-entra-values">
      <h2 id="saml-entra-values">Values for Entra</h2>
      {values === null ? (
        <p className="muted" data-testid="entra-values-missing">
          {view.sp === null
            ? "Import the AWS SP metadata in 2b: the values Entra needs come from it."
            : "The imported SP metadata does not give the values Entra needs (see the problems above)."}
        </p>
      ) : (
        <EntraValuesBody values={values} view={view} />
      )}
    </section>
  );
}

function EntraValuesBody({ values, view }: { values: EntraValues; view: FederationView }) {
  const directoryId = view.sp?.facts.directory_id ?? null;
  const several = values.reply_urls.length > 1;
  return (
    <>
      <p>
        In the Entra application, open <b>Single sign-on → SAML → Basic SAML Configuration → Edit</b> and enter:
      </p>
      <dl className="fields entra-values" data-testid="entra-values">
        <EntraValue
          label="Identifier (Entity ID)"
          value={values.identifier}
          copyLabel="Identifier (Entity ID)"
          testId="entra-identifier"
        />
        {values.reply_urls.map((url, i) => (
          <EntraValue
            key={`${i}-${url}`}
            label={several ? `Reply URL ${i + 1} (Assertion Consumer Service URL)` : "Reply URL (Assertion Consumer Service URL)"}
            value={url}
            copyLabel={several ? `Reply URL ${i + 1}` : "Reply URL"}
            testId={`entra-reply-url-${i}`}
            note={
              i === 0 && several ? (
                <span className="badge" title="Tick Default next to this one in Entra">
                  default
                </span>
              ) : undefined
            }
          />
        ))}
        {values.sign_on_url !== null ? (
          <EntraValue
            label="Sign on URL"
            value={values.sign_on_url}
            copyLabel="Sign on URL"
            testId="entra-sign-on-url"
            note={
              <span className="muted entra-value-note">
                {values.sign_on_url_custom
                  ? "your access portal URL"
                  : `the default access portal URL${directoryId !== null ? ` of directory ${directoryId}` : ""}`}
              </span>
            }
          />
        ) : (
          <div className="field">
            <dt>Sign on URL</dt>
            <dd className="muted" data-testid="entra-sign-on-url-missing">
              Enter your AWS access portal URL below.
            </dd>
          </div>
        )}
      </dl>
      {several && (
        <p className="field-hint">Add every Reply URL in Entra and tick Default next to the first one.</p>
      )}
      <PortalUrlForm current={view.custom_portal_url} directoryId={directoryId} />
      <Callout tone="info" title="If the identity source changes in AWS later">
        <p>
          Changing the identity source in IAM Identity Center later changes the AWS SP metadata. Download it again, import it
          in 2b, and update these values in Entra (or upload the new file to Entra again).
        </p>
      </Callout>
    </>
  );
}

/** The Sign on URL must be the AWS access portal URL; a customised portal URL is entered here. */
function PortalUrlForm({ current, directoryId }: { current: string | null; directoryId: string | null }) {
  // Remounted (key) when the saved URL changes, so the field shows the backend's canonical form.
  return <PortalUrlFields key={current ?? ""} current={current} directoryId={directoryId} />;
}

function PortalUrlFields({ current, directoryId }: { current: string | null; directoryId: string | null }) {
  const ids = useId();
  const [text, setText] = useState(current ?? "");
  const setPortal = useSetPortalUrl();
  const error = setPortal.error;
  const invalid = error !== null && error.kind === "validation";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const url = text.trim();
    setPortal.mutate(url === "" ? null : url);
  };

  return (
    <form className="subsection portal-url" onSubmit={submit} noValidate>
      <p>
        The Sign on URL must equal your <b>AWS access portal URL</b> (IAM Identity Center → Settings → Identity source). If
        you gave it a custom name in AWS, enter it here:
      </p>
      <div className="row">
        <label htmlFor={`${ids}-portal`} className="visually-hidden">
          AWS access portal URL
        </label>
        <input
          id={`${ids}-portal`}
          data-testid="portal-url-input"
          className="mono"
          type="url"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="https://my-corp.awsapps.com/start"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${ids}-error` : undefined}
        />
        <button type="submit" className="small" data-testid="portal-url-save" disabled={setPortal.isPending}>
          {setPortal.isPending && <Spinner />} Save
        </button>
        {current !== null && (
          <button
            type="button"
            className="small"
            data-testid="portal-url-default"
            disabled={setPortal.isPending}
            onClick={() => setPortal.mutate(null)}
          >
            Use the default{directoryId !== null ? ` (${directoryId} form)` : ""}
          </button>
        )}
      </div>
      {error !== null &&
        (invalid ? (
          <p id={`${ids}-error`} className="field-error" role="alert" data-testid="portal-url-error">
            {error.message}
          </p>
        ) : (
          <ErrorCallout error={error} title="Could not save the access portal URL" testId="portal-url-error" />
        ))}
    </form>
  );
}
