import { useState } from "react";
import type { ConnectionStatus } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { useConnection } from "../../state/connection";
import { useNavigation } from "../../state/navigation";
import { CreateView, type AfterCreate } from "./CreateView";
import { DetailView } from "./DetailView";
import { ListView } from "./ListView";

type View = { kind: "list" } | { kind: "new" } | { kind: "detail"; arn: string; initial: AfterCreate | null };

/** The "Permission sets" page: shown always, usable once connected to an instance. */
export function PermissionSetsPage() {
  const conn = useConnection();
  const nav = useNavigation();
  const status = conn.status;
  const instance = status?.identity.instance ?? null;

  if (status === null || instance === null) {
    return (
      <section className="page ps-page" aria-labelledby="ps-title" data-testid="ps-page-unavailable">
        <div className="page-header">
          <h1 id="ps-title">Permission sets</h1>
        </div>
        {status === null ? (
          <Callout
            tone="info"
            title={conn.state === "connecting" ? "Connecting to AWS…" : "Permission sets need a connection to AWS"}
            testId="ps-needs-connection"
            actions={
              conn.state === "connecting" ? undefined : (
                <button type="button" className="primary" onClick={nav.openConnect} data-testid="ps-connect">
                  Connect…
                </button>
              )
            }
          >
            <p>
              Gatehouse reads and changes the permission sets of the IAM Identity Center (formerly AWS SSO) instance you connect
              to.
            </p>
          </Callout>
        ) : (
          <Callout
            tone="attention"
            title={`No IAM Identity Center instance in ${status.identity.region}`}
            testId="ps-no-instance"
            actions={
              <button type="button" onClick={nav.openConnect}>
                Change connection…
              </button>
            }
          >
            <p>Connect to the region of your instance (the connection page can search every region).</p>
          </Callout>
        )}
      </section>
    );
  }

  // Another instance is another set of permission sets: start again from its list.
  return <Views key={instance.instance_arn} status={status} />;
}

function Views({ status }: { status: ConnectionStatus }) {
  const [view, setView] = useState<View>({ kind: "list" });
  const toList = () => setView({ kind: "list" });
  switch (view.kind) {
    case "list":
      return <ListView onOpen={(arn) => setView({ kind: "detail", arn, initial: null })} onNew={() => setView({ kind: "new" })} />;
    case "new":
      return <CreateView onBack={toList} onCreated={(arn, initial) => setView({ kind: "detail", arn, initial })} />;
    case "detail":
      return <DetailView key={view.arn} arn={view.arn} status={status} initial={view.initial} onBack={toList} />;
  }
}
