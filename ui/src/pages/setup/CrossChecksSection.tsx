import type { FederationView } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { useConnection } from "../../state/connection";
import { findingTitle, findingTone } from "./format";

/**
 * The backend's cross-checks of the SP metadata against the connected Identity Center.
 * With none, say exactly what was compared (and what could not be, for want of a connection).
 */
export function CrossChecksSection({ view }: { view: FederationView }) {
  const conn = useConnection();
  const checks = view.cross_checks;
  const sp = view.sp;
  const status = conn.status;
  const instance = status?.identity.instance ?? null;

  let verdict;
  if (checks.length > 0) {
    verdict = (
      <div className="findings">
        {checks.map((f) => (
          <Callout key={f.code} tone={findingTone(f.severity)} title={findingTitle(f)} testId={`cross-check-${f.code}`}>
            <p>{f.message}</p>
          </Callout>
        ))}
      </div>
    );
  } else if (view.idp === null || sp === null) {
    verdict = (
      <p className="muted" data-testid="cross-checks-waiting">
        The checks run once both documents are imported.
      </p>
    );
  } else if (status === null) {
    verdict = (
      <Callout tone="info" title="Region and directory checks need a connection" testId="cross-checks-not-connected">
        <p>
          Each document was checked on import: the Entra ID federation metadata is in 2a and the AWS SP metadata in 2b.
          Connect Gatehouse to AWS to check that the SP metadata comes from your IAM Identity Center (same region and
          directory).
        </p>
      </Callout>
    );
  } else {
    const region = sp.facts.region;
    const directory = sp.facts.directory_id;
    // What the backend compared: the region whenever both are known; the directory only with an instance.
    const regionChecked = region !== null;
    const directoryChecked = directory !== null && instance !== null;
    const parts = [regionChecked ? `region ${region}` : null, directoryChecked ? `directory ${directory}` : null].filter(
      (p): p is string => p !== null,
    );
    verdict =
      parts.length > 0 ? (
        <Callout
          tone="ok"
          title={`Both documents are consistent with the connected IAM Identity Center (${parts.join(", ")})`}
          testId="cross-checks-ok"
        >
          <p>
            The Entra ID federation metadata is in 2a and the AWS SP metadata in 2b; the SP metadata&apos;s{" "}
            {parts.join(" and ")} match{parts.length === 1 ? "es" : ""} the connection.
            {!directoryChecked &&
              (instance === null
                ? ` No IAM Identity Center instance was found in ${status.identity.region}, so the directory could not be compared.`
                : " The SP metadata names no directory, so it could not be compared.")}
          </p>
        </Callout>
      ) : (
        <Callout tone="info" title="Nothing to compare with the connection" testId="cross-checks-unchecked">
          <p>The SP metadata names neither a region nor a directory, so it could not be compared with the connection.</p>
        </Callout>
      );
  }

  return (
    <section className="setup-section" aria-labelledby="saml-cross-checks">
      <h2 id="saml-cross-checks">Cross-checks</h2>
      {verdict}
    </section>
  );
}
