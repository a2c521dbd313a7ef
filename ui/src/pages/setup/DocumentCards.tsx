import type { ReactNode } from "react";
import type { CertificateFacts, DocumentKind, Finding, ImportedDocument, Slot } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { absoluteTime, relativeTime } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import { useClearMetadata } from "./federation";
import { daysLeftText, findingTitle, findingTone, isoDate } from "./format";
import type { SlotImport } from "./importing";

type ClearMutation = ReturnType<typeof useClearMetadata>;

function ClearError({ clear }: { clear: ClearMutation }) {
  return clear.isError ? <ErrorCallout error={clear.error} title="Could not remove the document" /> : null;
}

const KIND_LABELS: Record<DocumentKind, string> = {
  "entra-idp": "Microsoft Entra ID federation metadata",
  "aws-sp": "IAM Identity Center SP metadata",
  "aws-app-idp": "IdP metadata of an IAM Identity Center application",
  "generic-idp": "Identity provider metadata (not Microsoft Entra ID)",
  "generic-sp": "Service provider metadata (not IAM Identity Center)",
};

/** A labelled value; `testId` sits on an element whose text is exactly the value. */
function Value({
  label,
  value,
  copyLabel,
  testId,
  after,
}: {
  label: string;
  value: string | null;
  copyLabel: string;
  testId: string;
  after?: ReactNode;
}) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>
        {value !== null ? (
          <>
            <span className="mono value" data-testid={testId}>
              {value}
            </span>
            {after}
            <CopyButton value={value} label={`Copy ${copyLabel}`} />
          </>
        ) : (
          <span className="muted" data-testid={testId}>
            not in this document
          </span>
        )}
      </dd>
    </div>
  );
}

/** Where the document came from, and Replace… / Remove. */
function DocumentActions({ imp, doc, clear }: { imp: SlotImport; doc: ImportedDocument; clear: ClearMutation }) {
  const now = useNow();
  return (
    <>
      <span className="muted doc-source" title={absoluteTime(doc.imported_at)}>
        {doc.file_name !== null ? <span className="mono">{doc.file_name}</span> : "pasted"} · imported{" "}
        {relativeTime(doc.imported_at, now)}
      </span>
      <button
        type="button"
        className="small"
        data-testid={`replace-${imp.slot}`}
        onClick={() => void imp.choose()}
        disabled={imp.mutation.isPending}
      >
        Replace…
      </button>
      <button
        type="button"
        className="small"
        data-testid={`remove-${imp.slot}`}
        onClick={() =>
          clear.mutate(undefined, {
            onSuccess: () => imp.mutation.reset(),
          })
        }
        disabled={clear.isPending}
      >
        Remove
      </button>
    </>
  );
}

function CertificateRow({ cert, index }: { cert: CertificateFacts; index: number }) {
  const n = index + 1;
  return (
    <li
      className={cert.active ? "cert cert-active" : "cert"}
      data-testid={`idp-cert-${index}`}
      data-active={cert.active ? "true" : "false"}
      data-sha1={cert.sha1}
    >
      <div className="cert-head">
        <span className="cert-subject">{cert.subject}</span>
        {cert.active && (
          <span className="badge badge-ok" title="The certificate that signed this document">
            active
          </span>
        )}
      </div>
      <dl className="fields">
        <Value label="Thumbprint (SHA-1)" value={cert.sha1} copyLabel={`SHA-1 thumbprint of certificate ${n}`} testId={`idp-cert-${index}-sha1`} />
        <div className="field">
          <dt>Valid</dt>
          <dd>
            <span className="value">
              <span title={cert.not_before}>{isoDate(cert.not_before)}</span> to{" "}
              <span title={cert.not_after}>{isoDate(cert.not_after)}</span>{" "}
              <span className="muted" data-testid={`idp-cert-${index}-days-left`}>
                ({daysLeftText(cert.days_left)})
              </span>
            </span>
          </dd>
        </div>
      </dl>
      <details className="cert-sha256">
        <summary>SHA-256 fingerprint</summary>
        <div className="row">
          <span className="mono value">{cert.sha256}</span>
          <CopyButton value={cert.sha256} label={`Copy SHA-256 fingerprint of certificate ${n}`} />
        </div>
      </details>
    </li>
  );
}

/** Problems and notices the backend found in a document. */
export function Findings({ slot, findings }: { slot: Slot; findings: readonly Finding[] }) {
  if (findings.length === 0) return null;
  return (
    <div className="findings">
      {findings.map((f) => (
        <Callout key={f.code} tone={findingTone(f.severity)} title={findingTitle(f)} testId={`finding-${slot}-${f.code}`}>
          <p>{f.message}</p>
        </Callout>
      ))}
    </div>
  );
}

export function IdpCard({ doc, imp }: { doc: ImportedDocument; imp: SlotImport }) {
  const f = doc.facts;
  const clear = useClearMetadata("idp");
  return (
    <Card title="Entra ID federation metadata" testId="idp-card" actions={<DocumentActions imp={imp} doc={doc} clear={clear} />}>
      <ClearError clear={clear} />
      <dl className="fields">
        {f.kind !== "entra-idp" && (
          <div className="field">
            <dt>Document</dt>
            <dd>
              <span className="value">{KIND_LABELS[f.kind]}</span>
            </dd>
          </div>
        )}
        <Value label="Tenant ID" value={f.tenant_id} copyLabel="tenant ID" testId="idp-tenant-id" />
        <Value label="Entity ID" value={f.entity_id} copyLabel="IdP entity ID" testId="idp-entity-id" />
        <Value label="SAML sign-in URL" value={f.sso_url} copyLabel="SAML sign-in URL" testId="idp-sso-url" />
      </dl>
      <h3 className="card-subtitle">
        Signing certificate{f.certificates.length === 1 ? "" : "s"} ({f.certificates.length})
      </h3>
      {f.certificates.length > 0 ? (
        <ul className="cert-list">
          {f.certificates.map((cert, i) => (
            <CertificateRow key={`${i}-${cert.sha1}`} cert={cert} index={i} />
          ))}
        </ul>
      ) : (
        <p className="muted">No signing certificate in this document.</p>
      )}
    </Card>
  );
}

export function SpCard({ doc, imp }: { doc: ImportedDocument; imp: SlotImport }) {
  const f = doc.facts;
  const clear = useClearMetadata("sp");
  return (
    <Card title="AWS SP metadata" testId="sp-card" actions={<DocumentActions imp={imp} doc={doc} clear={clear} />}>
      <ClearError clear={clear} />
      <dl className="fields">
        {f.kind !== "aws-sp" && (
          <div className="field">
            <dt>Document</dt>
            <dd>
              <span className="value">{KIND_LABELS[f.kind]}</span>
            </dd>
          </div>
        )}
        <Value label="Issuer URL" value={f.entity_id} copyLabel="issuer URL" testId="sp-issuer" />
        {f.acs_urls.length === 0 ? (
          <Value label="ACS URL" value={null} copyLabel="ACS URL" testId="sp-acs-0" />
        ) : (
          f.acs_urls.map((url, i) => (
            <Value
              key={`${i}-${url}`}
              label={f.acs_urls.length > 1 ? `ACS URL ${i + 1}` : "ACS URL"}
              value={url}
              copyLabel={f.acs_urls.length > 1 ? `ACS URL ${i + 1}` : "ACS URL"}
              testId={`sp-acs-${i}`}
              after={url === f.default_acs_url ? <span className="badge">default</span> : undefined}
            />
          ))
        )}
        <Value label="Region" value={f.region} copyLabel="region" testId="sp-region" />
        <Value label="Directory ID" value={f.directory_id} copyLabel="directory ID" testId="sp-directory-id" />
      </dl>
    </Card>
  );
}
