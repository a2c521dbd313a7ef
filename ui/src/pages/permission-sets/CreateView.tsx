import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ApplyReport, PermissionSetState, PermissionSetTemplate } from "../../backend/api";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { PermissionSetEditor } from "./Editor";
import { emptyState, switchTemplate } from "./model";
import { ApplyReportView } from "./parts";
import { invalidateSet, useTemplates } from "./queries";
import { reportTitle } from "./reportText";

/** What a new set's detail page starts with: the creation report, and the edits still to do. */
export interface AfterCreate {
  report: ApplyReport;
  /** The form as submitted, when part of it did not reach AWS (to retry). */
  draft: PermissionSetState | null;
}

/** A new permission set: from a job-function template or from scratch. */
export function CreateView({ onBack, onCreated }: { onBack: () => void; onCreated: (arn: string, after: AfterCreate) => void }) {
  const id = useId();
  const qc = useQueryClient();
  const [template, setTemplate] = useState<PermissionSetTemplate | null>(null);
  const [draft, setDraft] = useState<PermissionSetState>(emptyState);
  const [report, setReport] = useState<ApplyReport | null>(null);
  const baseline = emptyState();

  const choose = (next: PermissionSetTemplate | null) => {
    setDraft((d) => switchTemplate(d, template, next));
    setTemplate(next);
  };

  const onApplied = async (r: ApplyReport) => {
    await invalidateSet(qc, null);
    const arn = r.permission_set_arn;
    if (arn !== null) {
      const complete = r.outcome === "succeeded" || r.outcome === "nothing_to_do";
      onCreated(arn, { report: r, draft: complete ? null : draft });
    } else {
      setReport(r);
    }
  };

  return (
    <section className="page ps-page" aria-labelledby={`${id}-title`} data-testid="ps-create-page">
      <nav className="ps-breadcrumb" aria-label="Breadcrumb">
        <button type="button" className="link-button" onClick={onBack} data-testid="ps-back">
          Permission sets
        </button>
        <span aria-hidden="true"> › </span>
        <span>New</span>
      </nav>
      <div className="page-header">
        <h1 id={`${id}-title`}>New permission set</h1>
      </div>
      {report !== null && (
        <ApplyReportView report={report} title={reportTitle(report, true)} onDismiss={() => setReport(null)}>
          <p>Your form is kept: fix what AWS refused and review again.</p>
        </ApplyReportView>
      )}
      <PermissionSetEditor
        currentArn={null}
        draft={draft}
        setDraft={(change) => {
          setReport(null);
          setDraft(change);
        }}
        baseline={baseline}
        onApplied={onApplied}
        beforeTabs={<TemplatePicker selected={template} onChoose={choose} />}
      />
    </section>
  );
}

function TemplatePicker({
  selected,
  onChoose,
}: {
  selected: PermissionSetTemplate | null;
  onChoose: (template: PermissionSetTemplate | null) => void;
}) {
  const id = useId();
  const templates = useTemplates();
  return (
    <fieldset className="ps-templates" data-testid="ps-templates">
      <legend>Start from</legend>
      {templates.isPending && (
        <p className="muted">
          <Spinner /> Loading the templates…
        </p>
      )}
      {templates.isError && <ErrorCallout error={templates.error} title="Could not load the templates" />}
      <div className="ps-template-grid">
        {(templates.data ?? []).map((t) => (
          <label key={t.id} className={selected?.id === t.id ? "choice choice-selected" : "choice"}>
            <input
              type="radio"
              name={`${id}-template`}
              value={t.id}
              checked={selected?.id === t.id}
              onChange={() => onChoose(t)}
              data-testid={`ps-template-${t.id}`}
            />
            <span className="choice-text">
              <span className="choice-label">{t.title}</span>
              <span className="choice-hint">{t.description}</span>
              <span className="choice-hint mono ps-arn">{t.managed_policy_arn}</span>
            </span>
          </label>
        ))}
        <label className={selected === null ? "choice choice-selected" : "choice"}>
          <input
            type="radio"
            name={`${id}-template`}
            value=""
            checked={selected === null}
            onChange={() => onChoose(null)}
            data-testid="ps-template-none"
          />
          <span className="choice-text">
            <span className="choice-label">From scratch</span>
            <span className="choice-hint">No policy attached: choose them on the Policies tab.</span>
          </span>
        </label>
      </div>
    </fieldset>
  );
}
