import type { ReactNode } from "react";
import type { ConnectionStatus } from "../backend/api";
import { absoluteTime, credentialsLabel, describeSpec, formatAccountId, instanceIdFromArn, relativeTime, ROLE_LABELS } from "../lib/format";
import { useNow } from "../lib/useNow";
import { useConnection } from "../state/connection";
import { useNavigation } from "../state/navigation";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

/**
 * The top bar: who and where Gatehouse is connected, and ⟳ to read it again. `extras` are
 * small indicators registered by features (e.g. the SCIM token's days left), shown at the end.
 */
export function Header({ extras }: { extras?: ReactNode }) {
  const conn = useConnection();
  const nav = useNavigation();

  let body;
  if (conn.state === "connecting") {
    body = (
      <div className="header-line" role="status">
        <Spinner />
        <span>{conn.pendingSpec !== null ? `Connecting to ${describeSpec(conn.pendingSpec)}…` : "Starting…"}</span>
      </div>
    );
  } else if (conn.status !== null) {
    body = <Connected status={conn.status} />;
  } else {
    body = (
      <div className="header-line">
        <span className="status-dot status-neutral" aria-hidden="true" />
        <span className="muted">{conn.state === "error" ? "Not connected (the last attempt failed)" : "Not connected"}</span>
        <button type="button" className="primary small" data-testid="header-connect" onClick={nav.openConnect}>
          Connect…
        </button>
      </div>
    );
  }

  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="gate" size={16} />
        </span>
        Gatehouse
      </div>
      <div className="header-connection" role="group" aria-label="Connection">
        {body}
      </div>
      {extras !== undefined && <div className="header-extras">{extras}</div>}
    </header>
  );
}

function Connected({ status }: { status: ConnectionStatus }) {
  const conn = useConnection();
  const nav = useNavigation();
  const now = useNow();
  const { spec, identity } = status;
  const instance = identity.instance;
  const credKind = spec.credentials.kind;

  return (
    <div className="header-connected">
      <div className="header-line">
        <button
          type="button"
          className="pill"
          onClick={nav.openConnect}
          aria-label={`Credentials: ${credentialsLabel(spec.credentials)}. Change connection`}
          title="Change connection"
        >
          {credKind === "profile" && <span className="pill-key">profile</span>}
          {credentialsLabel(spec.credentials)} <span aria-hidden="true">▾</span>
        </button>
        <button
          type="button"
          className="pill"
          onClick={nav.openConnect}
          aria-label={`Region: ${spec.region}. Change connection`}
          title="Change connection"
        >
          {spec.region} <span aria-hidden="true">▾</span>
        </button>
        {spec.endpoint_url !== null && (
          <span className="badge badge-attention" title={`Every AWS call goes to ${spec.endpoint_url}`}>
            custom endpoint
          </span>
        )}
        <span className="header-account" data-testid="header-account" data-account-id={identity.account_id}>
          Account <span className="mono">{formatAccountId(identity.account_id)}</span>
        </span>
        <span className="header-role" data-testid="header-role" title={identity.role_note}>
          ({ROLE_LABELS[identity.role]})
        </span>
      </div>
      <div className="header-line header-sub">
        {instance !== null ? (
          <>
            <span data-testid="header-instance" data-instance-arn={instance.instance_arn} title={instance.instance_arn}>
              Identity Center <span className="mono">{instanceIdFromArn(instance.instance_arn)}</span>
            </span>
            <span aria-hidden="true">·</span>
            <span data-testid="header-store">
              store <span className="mono">{instance.identity_store_id}</span>
            </span>
          </>
        ) : (
          <span className="text-attention">No Identity Center instance in {identity.region}</span>
        )}
        <span aria-hidden="true">·</span>
        <span title={absoluteTime(status.refreshed_at)}>refreshed {relativeTime(status.refreshed_at, now)}</span>
        <button
          type="button"
          className="icon-button"
          data-testid="header-refresh"
          aria-label="Refresh connection"
          title="Read the account and Identity Center again"
          onClick={conn.refresh}
          disabled={conn.refreshing}
          aria-busy={conn.refreshing}
        >
          {conn.refreshing ? <Spinner /> : <Icon name="refresh" />}
        </button>
        {conn.refreshError !== null && (
          <span className="text-error" role="alert">
            Refresh failed
          </span>
        )}
      </div>
    </div>
  );
}
