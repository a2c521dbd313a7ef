import { useEffect } from "react";
import type { ProvisioningView, ScimTestResult } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { absoluteTime, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { SCIM_CODES, useTestScimConnection } from "./provisioning";
import { NETWORK_FAILURE_WORDS, verdictTitle, verdictTone } from "./provisioningFormat";

/** 3c: "Test connection" with the saved endpoint and token, and the verdict in plain words. */
export function ScimTestSection({ view, onReplaceToken }: { view: ProvisioningView; onReplaceToken: () => void }) {
  const test = useTestScimConnection();
  // A failed attempt is about the settings it ran with: forget it when they change.
  const { reset } = test;
  const settings = `${view.endpoint?.url ?? ""}\n${view.token?.stored_at ?? ""}`;
  useEffect(() => reset(), [settings, reset]);
  const missing = view.endpoint === null ? "endpoint" : view.token === null ? "token" : null;
  const result = view.last_test;

  return (
    <section className="setup-section" aria-labelledby="provisioning-test">
      <h2 id="provisioning-test">
        <span className="step-tag">3c</span> Test the connection
      </h2>
      <p>
        Gatehouse sends the saved token to the endpoint the way Entra does (an authenticated SCIM request) and tells you what
        the answer means. The token never leaves the keychain otherwise.
      </p>
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="scim-test"
          onClick={() => test.mutate()}
          disabled={test.isPending || missing !== null}
          aria-describedby={missing !== null ? "scim-test-needs" : undefined}
        >
          {test.isPending && <Spinner />} Test connection
        </button>
        {test.isPending && (
          <span className="muted" role="status">
            Testing {view.endpoint?.url ?? "the endpoint"}…
          </span>
        )}
        {missing !== null && (
          <span id="scim-test-needs" className="field-hint">
            Save the SCIM {missing === "endpoint" ? "endpoint" : "access token"} first.
          </span>
        )}
      </div>
      {test.isError && (
        <ErrorCallout error={test.error} title="The connection could not be tested" testId="scim-test-error">
          {test.error.detail === SCIM_CODES.tokenNotInKeychain && (
            <div className="row">
              <button type="button" className="small" data-testid="scim-test-replace-token" onClick={onReplaceToken}>
                Replace token
              </button>
            </div>
          )}
        </ErrorCallout>
      )}
      {result !== null && <TestResult result={result} />}
    </section>
  );
}

function TestResult({ result }: { result: ScimTestResult }) {
  const now = useNow();
  const tone = verdictTone(result.verdict);
  return (
    <div className="scim-test-result" data-testid="scim-test-result" data-verdict={result.verdict}>
      <Callout tone={tone} title={verdictTitle(result.verdict)} role="status">
        <p>{result.message}</p>
        <p className="muted" data-testid="scim-test-when">
          Tested <span title={absoluteTime(result.tested_at)}>{relativeTime(result.tested_at, now)}</span> (
          {absoluteTime(result.tested_at)}), answer in {formatElapsed(result.elapsed_ms)}.
        </p>
        <details className="error-details">
          <summary>Details</summary>
          <dl className="fields test-details">
            <div className="field">
              <dt>Endpoint</dt>
              <dd>
                <span className="mono value">{result.endpoint}</span>
              </dd>
            </div>
            <div className="field">
              <dt>HTTP status</dt>
              <dd>
                <span className="value" data-testid="scim-test-http-status">
                  {result.http_status ?? "no answer"}
                </span>
              </dd>
            </div>
            {result.content_type !== null && (
              <div className="field">
                <dt>Content type</dt>
                <dd>
                  <span className="mono value">{result.content_type}</span>
                </dd>
              </div>
            )}
            {result.network_failure !== null && (
              <div className="field">
                <dt>Network</dt>
                <dd>
                  <span className="value">
                    {(NETWORK_FAILURE_WORDS as Partial<Record<string, string>>)[result.network_failure] ?? result.network_failure}
                  </span>
                </dd>
              </div>
            )}
            <div className="field">
              <dt>Time taken</dt>
              <dd>
                <span className="value">{formatElapsed(result.elapsed_ms)}</span>
              </dd>
            </div>
            <div className="field">
              <dt>Verdict</dt>
              <dd>
                <span className="mono value">{result.verdict}</span>
              </dd>
            </div>
          </dl>
          {result.detail !== null && <pre data-testid="scim-test-detail">{result.detail}</pre>}
        </details>
      </Callout>
    </div>
  );
}

function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
