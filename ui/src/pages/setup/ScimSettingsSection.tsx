import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { EndpointInfo, GatehouseError, ProvisioningView, TokenInfo } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime } from "../../lib/format";
import { useConnection } from "../../state/connection";
import { isoDate } from "./format";
import { OpenLink } from "./OpenLink";
import { SCIM_CODES, useForgetScimToken, useScimSettingsSave } from "./provisioning";
import { expiryTone, localToday, localTomorrow, tokenDaysLong } from "./provisioningFormat";

/**
 * 3b: the SCIM endpoint and access token. The token field is an uncontrolled password field:
 * the token never enters React state (so React never mirrors it into the `value` attribute,
 * where it would be part of the page's HTML), and the field is emptied before the save call.
 * Afterwards only its last four characters, when it was stored and when it expires are shown.
 */
export function ScimSettingsSection({
  view,
  replacing,
  setReplacing,
}: {
  view: ProvisioningView;
  replacing: boolean;
  setReplacing: (replacing: boolean) => void;
}) {
  const ids = useId();
  const conn = useConnection();
  const entry = useScimSettingsSave();
  const token = view.token;
  const showTokenField = token === null || replacing;

  // Drafts: null = not edited, show what is saved (or the default).
  const [endpointDraft, setEndpointDraft] = useState<string | null>(null);
  const [dateDraft, setDateDraft] = useState<string | null>(null);
  // Only whether something was typed; the text itself stays in the input element.
  const [tokenTyped, setTokenTyped] = useState(false);
  const tokenInput = useRef<HTMLInputElement>(null);
  const endpointInput = useRef<HTMLInputElement>(null);

  // A new token defaults to today; the stored one shows its own date. Switching between them
  // drops an edited date (the derived-state pattern: reset while rendering, not in an effect).
  const [dateFor, setDateFor] = useState(showTokenField);
  if (dateFor !== showTokenField) {
    setDateFor(showTokenField);
    setDateDraft(null);
  }

  useEffect(() => {
    if (replacing) tokenInput.current?.focus();
  }, [replacing]);

  const endpointValue = endpointDraft ?? view.endpoint?.url ?? "";
  const dateValue = dateDraft ?? (showTokenField || token === null ? localToday() : token.created_on);
  const newToken = tokenTyped || entry.holdingToken;
  const replaceWithoutToken = replacing && token !== null && !newToken;
  const canSave = endpointValue.trim() !== "" && !replaceWithoutToken && !entry.saving;

  const afterSave = () => {
    setEndpointDraft(null);
    setDateDraft(null);
    setReplacing(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSave) return;
    const field = tokenInput.current;
    const text = field?.value ?? "";
    const secret = text.trim() !== "" ? text : null;
    // Out of the page at once: from here on the token only travels to the keychain.
    if (field !== null) field.value = "";
    setTokenTyped(false);
    let createdOn: string | null = null;
    if (showTokenField) createdOn = newToken && dateValue !== "" ? dateValue : null;
    else if (token !== null && dateValue !== "" && dateValue !== token.created_on) createdOn = dateValue;
    const saved = await entry.save(endpointValue.trim(), secret, createdOn);
    if (saved !== null) afterSave();
  };

  const acceptNonstandard = async () => {
    const saved = await entry.acceptNonstandard();
    if (saved !== null) afterSave();
  };

  const cancelReplace = () => {
    if (tokenInput.current !== null) tokenInput.current.value = "";
    setTokenTyped(false);
    entry.discardHeldToken();
    entry.clearError();
    setReplacing(false);
  };

  return (
    <section className="setup-section" aria-labelledby="provisioning-settings">
      <h2 id="provisioning-settings">
        <span className="step-tag">3b</span> SCIM endpoint and access token
      </h2>

      {token !== null && (
        <StoredToken
          token={token}
          replacing={replacing}
          onReplace={() => setReplacing(true)}
          consoleUrl={conn.status !== null ? view.console_url : null}
        />
      )}

      <form className="form-grid scim-form" onSubmit={(e) => void submit(e)} noValidate aria-label="SCIM settings">
        <label htmlFor={`${ids}-endpoint`}>SCIM endpoint</label>
        <div>
          <input
            id={`${ids}-endpoint`}
            ref={endpointInput}
            data-testid="scim-endpoint"
            className="mono"
            type="url"
            value={endpointValue}
            onChange={(e) => {
              setEndpointDraft(e.target.value);
              entry.dismissNonstandard();
            }}
            placeholder="https://scim.eu-west-1.amazonaws.com/…/scim/v2"
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${ids}-endpoint-hint`}
          />
          <p id={`${ids}-endpoint-hint`} className="field-hint">
            As IAM Identity Center shows it under Automatic provisioning.
          </p>
        </div>

        {showTokenField && (
          <>
            <label htmlFor={`${ids}-token`}>{token !== null ? "New access token" : "Access token"}</label>
            <div>
              <input
                id={`${ids}-token`}
                ref={tokenInput}
                data-testid="scim-token"
                type="password"
                defaultValue=""
                onChange={(e) => setTokenTyped(e.target.value.trim() !== "")}
                autoComplete="off"
                spellCheck={false}
                placeholder={entry.holdingToken ? "Entered (held for the next save)" : undefined}
                aria-describedby={`${ids}-token-hint`}
              />
              <p id={`${ids}-token-hint`} className="field-hint">
                {entry.holdingToken && !tokenTyped ? (
                  <span data-testid="scim-token-held">
                    The token you entered is held for the next save; it is not shown.{" "}
                    <button type="button" className="link-button" onClick={entry.discardHeldToken}>
                      Discard it
                    </button>
                  </span>
                ) : (
                  "Goes to the OS keychain and is never shown again, only its last four characters."
                )}
              </p>
            </div>
          </>
        )}

        {(showTokenField || token !== null) && (
          <>
            <label htmlFor={`${ids}-created`}>Token created on</label>
            <div>
              <input
                id={`${ids}-created`}
                data-testid="scim-token-created-on"
                className="date-input"
                type="date"
                value={dateValue}
                min="2020-01-01"
                max={localTomorrow()}
                placeholder="YYYY-MM-DD"
                onChange={(e) => setDateDraft(e.target.value)}
                aria-describedby={`${ids}-created-hint`}
              />
              <p id={`${ids}-created-hint`} className="field-hint">
                {showTokenField
                  ? "The date IAM Identity Center lists for this token (today for a token you just generated). It expires one year later."
                  : "Correct it if IAM Identity Center lists another creation date for the token."}
              </p>
            </div>
          </>
        )}

        <span />
        <div className="row">
          <button type="submit" className="primary" data-testid="scim-save" disabled={!canSave}>
            {entry.saving && <Spinner />} {showTokenField && newToken ? "Save to keychain" : "Save"}
          </button>
          {replacing && token !== null && (
            <button type="button" className="link-button" onClick={cancelReplace} data-testid="scim-keep-token">
              Keep the stored token
            </button>
          )}
          {replaceWithoutToken && <span className="field-hint">Paste the new token to replace the stored one.</span>}
          {entry.saving && (
            <span className="muted" role="status">
              Saving…
            </span>
          )}
        </div>
      </form>

      {entry.nonstandard !== null && (
        <Callout
          tone="attention"
          title="This does not look like an IAM Identity Center SCIM endpoint"
          testId="scim-save-error"
          role="alert"
          actions={
            <>
              <button
                type="button"
                data-testid="scim-accept-nonstandard"
                onClick={() => void acceptNonstandard()}
                disabled={entry.saving}
              >
                Use it anyway
              </button>
              <button
                type="button"
                onClick={() => {
                  entry.dismissNonstandard();
                  endpointInput.current?.focus();
                }}
              >
                Correct the endpoint
              </button>
            </>
          }
        >
          <p>{entry.nonstandard.message}</p>
          <p className="muted">
            Nothing was saved.
            {entry.nonstandard.withToken && " The token you entered is held (not shown) until you decide."}
          </p>
        </Callout>
      )}
      {entry.error !== null && <SaveError error={entry.error} />}

      {view.endpoint !== null && <EndpointNotes endpoint={view.endpoint} />}
    </section>
  );
}

function SaveError({ error }: { error: GatehouseError }) {
  const title =
    error.kind === "keychain"
      ? "Not saved: the OS keychain is not available"
      : error.kind === "validation"
        ? "Not saved: check the input"
        : "The SCIM settings were not saved";
  return (
    <ErrorCallout error={error} title={title} testId="scim-save-error">
      {error.detail !== SCIM_CODES.nonstandardEndpoint && (
        <p className="muted">Nothing was changed. If you entered a token, paste it again.</p>
      )}
    </ErrorCallout>
  );
}

/** The saved endpoint: what Gatehouse read from it, and anything to check (amber). */
function EndpointNotes({ endpoint }: { endpoint: EndpointInfo }) {
  return (
    <>
      {endpoint.standard && endpoint.region !== null && (
        <p className="muted" data-testid="scim-endpoint-facts">
          Saved: the IAM Identity Center SCIM endpoint in <b>{endpoint.region}</b>
          {endpoint.tenant_id !== null && (
            <>
              {" "}
              (tenant <span className="mono">{endpoint.tenant_id}</span>)
            </>
          )}
          . <CopyButton value={endpoint.url} label="Copy the saved SCIM endpoint" />
        </p>
      )}
      {endpoint.warnings.length > 0 && (
        <div className="findings">
          {endpoint.warnings.map((warning, i) => (
            <Callout key={`${i}-${warning}`} tone="attention" title="Check the SCIM endpoint" testId={`scim-endpoint-warning-${i}`}>
              <p>{warning}</p>
            </Callout>
          ))}
        </div>
      )}
    </>
  );
}

/** "Token ending in ••••WXYZ, stored … on …, expires … (N days left)", Replace / Forget, expiry. */
function StoredToken({
  token,
  replacing,
  onReplace,
  consoleUrl,
}: {
  token: TokenInfo;
  replacing: boolean;
  onReplace: () => void;
  consoleUrl: string | null;
}) {
  const forget = useForgetScimToken();
  const [confirming, setConfirming] = useState(false);
  const tone = expiryTone(token.level);
  return (
    <div className="subsection">
      <div className="stored-token">
        <span className={`status-dot status-${tone}`} aria-hidden="true" />
        <span data-testid="scim-token-info" data-level={token.level}>
          Token ending in <span className="mono">••••{token.last4}</span>, stored in the OS keychain on{" "}
          <span title={absoluteTime(token.stored_at)}>{isoDate(token.stored_at)}</span>, expires {token.expires_on} (
          <span className={tone === "ok" ? undefined : `text-${tone}`}>{tokenDaysLong(token.days_left)}</span>)
        </span>
        {!replacing && (
          <button type="button" className="small" data-testid="scim-replace-token" onClick={onReplace}>
            Replace token
          </button>
        )}
        <button
          type="button"
          className="small"
          data-testid="scim-forget"
          aria-expanded={confirming}
          onClick={() => setConfirming(true)}
          disabled={forget.isPending}
        >
          Forget
        </button>
      </div>
      {confirming && (
        <Callout
          tone="attention"
          title="Remove the token from the OS keychain?"
          testId="scim-forget-prompt"
          actions={
            <>
              <button
                type="button"
                data-testid="scim-forget-confirm"
                disabled={forget.isPending}
                onClick={() => forget.mutate(undefined, { onSuccess: () => setConfirming(false) })}
              >
                {forget.isPending && <Spinner />} Forget the token
              </button>
              <button type="button" onClick={() => setConfirming(false)} disabled={forget.isPending}>
                Keep it
              </button>
            </>
          }
        >
          <p>
            Entra keeps its own copy, so provisioning goes on. Gatehouse can then no longer test the connection or count down
            to the token&apos;s expiry. The endpoint stays saved.
          </p>
        </Callout>
      )}
      {forget.isError && <ErrorCallout error={forget.error} title="Could not forget the token" testId="scim-forget-error" />}
      <TokenExpiry token={token} onReplace={onReplace} replacing={replacing} consoleUrl={consoleUrl} />
    </div>
  );
}

/** Days left and what to do; amber/red with the rotation steps when it is time to rotate. */
function TokenExpiry({
  token,
  onReplace,
  replacing,
  consoleUrl,
}: {
  token: TokenInfo;
  onReplace: () => void;
  replacing: boolean;
  consoleUrl: string | null;
}) {
  if (token.level === "ok") {
    return (
      <p className="muted" data-testid="scim-token-expiry" data-level="ok">
        {token.message}
      </p>
    );
  }
  const expired = token.level === "expired";
  const title = expired
    ? `The access token expired on ${token.expires_on}`
    : token.days_left === 0
      ? "The access token expires today"
      : `The access token expires in ${token.days_left === 1 ? "1 day" : `${token.days_left} days`}`;
  return (
    <div data-testid="scim-token-expiry" data-level={token.level}>
      <Callout
        tone={expiryTone(token.level)}
        title={title}
        role={expired ? "alert" : undefined}
        actions={
          replacing ? undefined : (
            <button type="button" data-testid="expiry-replace-token" onClick={onReplace}>
              Replace token
            </button>
          )
        }
      >
        <p>{token.message}</p>
        <p className="rotation-title">Rotate it without interrupting provisioning:</p>
        <ol className="rotation-steps" data-testid="rotation-steps">
          {token.rotation_steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        {consoleUrl !== null && (
          <OpenLink url={consoleUrl} label="Open IAM Identity Center settings" className="small" testId="rotation-console-link" />
        )}
      </Callout>
    </div>
  );
}
