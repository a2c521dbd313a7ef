import type { ConnectionStatus } from "../backend/api";
import { Card, Field } from "../components/Card";
import { Callout } from "../components/Callout";
import { ConnectForm } from "../components/ConnectForm";
import { ConsoleLink } from "../components/ConsoleLink";
import { ErrorCallout } from "../components/ErrorCallout";
import { FindInstanceRegions } from "../components/FindInstanceRegions";
import { Spinner } from "../components/Spinner";
import {
  absoluteTime,
  credentialsLabel,
  describeSpec,
  formatAccountId,
  instanceIdFromArn,
  relativeTime,
  ROLE_LABELS,
} from "../lib/format";
import { useNow } from "../lib/useNow";
import { useConnection } from "../state/connection";
import { useNavigation } from "../state/navigation";

/** The current connection: who, which organisation, which Identity Center; and connecting. */
export function ConnectionPage() {
  const conn = useConnection();
  const nav = useNavigation();
  const { state, status } = conn;

  // The form shows when there is no live connection, after a failed attempt, or on request.
  const formShown = status === null || conn.failure !== null || nav.connectFormOpen;

  return (
    <section className="page" data-testid="connection-state" data-state={state} aria-labelledby="connection-title">
      <div className="page-header">
        <h1 id="connection-title">Connection</h1>
        {status !== null && !formShown && (
          <div className="page-actions">
            <button type="button" onClick={() => nav.openConnect()}>
              Change connection…
            </button>
            <button type="button" onClick={conn.disconnect} disabled={conn.disconnecting || state === "connecting"}>
              Disconnect
            </button>
          </div>
        )}
      </div>

      {status === null && state !== "connecting" && (
        <p className="page-intro">
          Connect to the AWS account that manages IAM Identity Center (formerly AWS SSO): the organisation&apos;s
          management account, or the account registered as its delegated administrator.
        </p>
      )}

      {state === "connecting" && (
        <div className="connecting-banner" role="status" data-testid="connection-connecting">
          <Spinner size="md" />
          <span>
            {conn.pendingSpec !== null ? `Connecting to ${describeSpec(conn.pendingSpec)}…` : "Starting…"}
          </span>
          {conn.pendingSpec !== null && (
            <button type="button" className="small" onClick={conn.cancelConnect} data-testid="connect-cancel">
              Cancel
            </button>
          )}
        </div>
      )}

      {conn.loadError !== null && (
        <ErrorCallout error={conn.loadError} title="Gatehouse could not read its connection settings" />
      )}
      {conn.disconnectError !== null && <ErrorCallout error={conn.disconnectError} title="Could not disconnect" />}

      {formShown && (
        <>
          {conn.failure !== null && status !== null && state !== "connecting" && (
            <Callout
              tone="info"
              title={`Still connected to account ${formatAccountId(status.identity.account_id)} in ${status.spec.region}`}
              actions={
                <button
                  type="button"
                  onClick={() => {
                    conn.dismissFailure();
                    nav.setConnectFormOpen(false);
                  }}
                >
                  Keep the current connection
                </button>
              }
            />
          )}
          <ConnectForm
            key={JSON.stringify(conn.suggestedSpec)}
            initial={conn.suggestedSpec}
            focusToken={nav.connectFocusToken}
            onConnected={() => nav.setConnectFormOpen(false)}
            onCancel={
              status !== null && conn.failure === null
                ? () => nav.setConnectFormOpen(false)
                : undefined
            }
          />
        </>
      )}

      {status !== null && <ConnectionDetails status={status} />}
    </section>
  );
}

function ConnectionDetails({ status }: { status: ConnectionStatus }) {
  const conn = useConnection();
  const now = useNow();
  const { identity, spec } = status;
  const org = identity.organization;
  const instance = identity.instance;

  return (
    <div className="cards">
      {conn.refreshError !== null && (
        <ErrorCallout
          error={conn.refreshError}
          title="Could not refresh the connection"
          onRetry={conn.refresh}
          retrying={conn.refreshing}
        />
      )}

      <Card
        title="Account"
        testId="card-account"
        actions={
          <span className="muted" title={absoluteTime(status.refreshed_at)}>
            Refreshed {relativeTime(status.refreshed_at, now)}
          </span>
        }
      >
        <dl className="fields">
          <Field label="Account ID" copyValue={identity.account_id} copyLabel="account ID" mono testId="account-id">
            {formatAccountId(identity.account_id)}
          </Field>
          <Field label="Signed in as" copyValue={identity.caller_arn} copyLabel="caller ARN" mono>
            {identity.caller_arn}
          </Field>
          <Field label="Role">
            <span className={`badge badge-role-${identity.role}`}>{ROLE_LABELS[identity.role]}</span>{" "}
            <span className="role-note">{identity.role_note}</span>
          </Field>
          <Field label="Credentials">
            {spec.credentials.kind === "profile" ? `profile ${spec.credentials.name}` : credentialsLabel(spec.credentials)}
          </Field>
          {spec.endpoint_url !== null && (
            <Field label="Endpoint" mono>
              {spec.endpoint_url}
            </Field>
          )}
        </dl>
      </Card>

      <Card title="AWS Organizations" testId="card-organization">
        {org !== null ? (
          <dl className="fields">
            <Field label="Organization ID" copyValue={org.id} copyLabel="organization ID" mono>
              {org.id}
            </Field>
            <Field label="Management account" copyValue={org.management_account_id} copyLabel="management account ID" mono>
              {formatAccountId(org.management_account_id)}
              {org.management_account_id === identity.account_id && <span className="muted"> (this account)</span>}
            </Field>
          </dl>
        ) : (
          <p className="muted">
            {identity.role === "standalone"
              ? "This account is not in an AWS Organization."
              : "The organisation could not be read with these credentials."}
          </p>
        )}
      </Card>

      <Card
        title="IAM Identity Center (formerly AWS SSO)"
        testId="card-identity-center"
        actions={instance !== null ? <ConsoleLink region={instance.region} label="Open in the AWS console" /> : undefined}
      >
        {instance !== null ? (
          <dl className="fields">
            <Field label="Instance ARN" copyValue={instance.instance_arn} copyLabel="instance ARN" mono testId="instance-arn">
              {instance.instance_arn}
            </Field>
            <Field label="Instance ID" mono>
              {instanceIdFromArn(instance.instance_arn)}
            </Field>
            <Field label="Identity store ID" copyValue={instance.identity_store_id} copyLabel="identity store ID" mono testId="identity-store-id">
              {instance.identity_store_id}
            </Field>
            <Field label="Region" mono>
              {instance.region}
            </Field>
            {instance.name !== null && instance.name !== "" && <Field label="Name">{instance.name}</Field>}
            <Field label="Status">
              <span className={instance.status === "ACTIVE" ? "badge badge-ok" : "badge"}>{instance.status ?? "unknown"}</span>
            </Field>
            {instance.owner_account_id !== null && (
              <Field label="Owner account" mono>
                {formatAccountId(instance.owner_account_id)}
              </Field>
            )}
          </dl>
        ) : (
          <FindInstanceRegions key={`${spec.region}|${identity.account_id}`} status={status} />
        )}
      </Card>
    </div>
  );
}
