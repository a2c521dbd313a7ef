import { useState, type ReactNode } from "react";
import type { FederationView, Slot } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { AwsConsoleSection } from "./AwsConsoleSection";
import { CrossChecksSection } from "./CrossChecksSection";
import { Findings, IdpCard, SpCard } from "./DocumentCards";
import { EntraValuesSection } from "./EntraValuesSection";
import { SLOT_NAMES, useFederation } from "./federation";
import { ImportZone } from "./ImportZone";
import { useSlotImport, type SlotImport } from "./importing";
import { StepSummary } from "./StepStatus";
import { useFileDropRouting, type DragState } from "./useFileDropRouting";

const SLOTS: readonly Slot[] = ["idp", "sp"];

/** Step 2: swap the SAML metadata between Entra ID and IAM Identity Center, and check it. */
export function SamlPage() {
  const federation = useFederation();
  const view = federation.data;
  const imports: Record<Slot, SlotImport> = { idp: useSlotImport("idp"), sp: useSlotImport("sp") };
  const [dropNotice, setDropNotice] = useState<string | null>(null);

  const waiting = view === undefined ? [] : SLOTS.filter((s) => view[s] === null);
  const drag = useFileDropRouting(waiting, (target, paths) => {
    setDropNotice(null);
    const [path, ...more] = paths;
    if (path === undefined) return;
    if (more.length > 0) {
      setDropNotice(`${paths.length} files were dropped. Drop one metadata file at a time.`);
    } else if (target === null) {
      setDropNotice("Drop the file onto 2a (Entra ID federation metadata) or 2b (AWS SP metadata), so Gatehouse knows which it is meant to be.");
    } else {
      imports[target].importPath(path);
    }
  });

  return (
    <section className="page setup-page" aria-labelledby="saml-title" data-testid="setup-saml-page">
      <div className="page-header">
        <h1 id="saml-title">2 · SAML</h1>
      </div>
      <StepSummary id="saml" />
      <p className="page-intro">
        Microsoft Entra ID (formerly Azure AD) and IAM Identity Center (formerly AWS SSO) trust each other by swapping
        SAML metadata: Entra&apos;s federation metadata goes to AWS, and AWS&apos;s SP metadata gives the values Entra
        needs. Import both here and Gatehouse checks them.
      </p>

      {dropNotice !== null && (
        <Callout
          tone="attention"
          title="Nothing was imported"
          testId="drop-notice"
          role="alert"
          actions={
            <button type="button" className="small" onClick={() => setDropNotice(null)}>
              Dismiss
            </button>
          }
        >
          <p>{dropNotice}</p>
        </Callout>
      )}

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
      {view !== undefined && <SamlSteps view={view} imports={imports} drag={drag} />}
    </section>
  );
}

function SamlSteps({ view, imports, drag }: { view: FederationView; imports: Record<Slot, SlotImport>; drag: DragState | null }) {
  return (
    <>
      <ImportSection
        slot="idp"
        view={view}
        imp={imports.idp}
        drag={drag}
        intro={
          <p>
            The <b>Federation Metadata XML</b> from the Entra application (Single sign-on → SAML → SAML Certificates →
            Federation Metadata XML → Download).
          </p>
        }
      />
      <AwsConsoleSection view={view} />
      <ImportSection
        slot="sp"
        view={view}
        imp={imports.sp}
        drag={drag}
        intro={
          <p>
            The <b>service provider metadata</b> file downloaded from IAM Identity Center (Settings → Identity source, when
            changing it to an external identity provider).
          </p>
        }
      />
      <EntraValuesSection view={view} />
      <CrossChecksSection view={view} />
    </>
  );
}

function ImportSection({
  slot,
  view,
  imp,
  drag,
  intro,
}: {
  slot: Slot;
  view: FederationView;
  imp: SlotImport;
  drag: DragState | null;
  intro: ReactNode;
}) {
  const names = SLOT_NAMES[slot];
  const doc = view[slot];
  const headingId = `saml-import-${slot}`;
  return (
    <section className="setup-section" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <span className="step-tag">{names.step}</span> {slot === "idp" ? "Entra ID federation metadata" : "AWS SP metadata"}
      </h2>
      {intro}
      {doc !== null && (
        <>
          {slot === "idp" ? <IdpCard doc={doc} imp={imp} /> : <SpCard doc={doc} imp={imp} />}
          <Findings slot={slot} findings={doc.facts.findings} />
        </>
      )}
      <ImportZone imp={imp} doc={doc} dragging={drag !== null} dropHere={drag !== null && drag.target === slot} />
    </section>
  );
}
