/**
 * The Settings page: how fast Gatehouse may apply account assignment changes (AWS's quotas are
 * per account, shared with every other tool), and the least-privilege IAM policy Gatehouse
 * itself needs — read-only and read-write, each action with what it is used for — to copy or save.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, toGatehouseError, type ApplySettings, type GatehouseError, type GatehousePolicy } from "../../backend/api";
import { pickSavePath } from "../../backend/dialog";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import {
  draftOf,
  fieldOfMessage,
  MAX_OUTSTANDING,
  parseApplySettings,
  REQUESTS_PER_SECOND,
  sameSettings,
  serviceOf,
  sortActions,
  type ApplySettingsDraft,
} from "./model";
import { settingsKeys, useApplySettings, useGatehousePolicy } from "./queries";

export function SettingsPage() {
  const id = useId();
  return (
    <section className="page settings-page" aria-labelledby={`${id}-title`} data-testid="settings-page">
      <div className="page-header">
        <h1 id={`${id}-title`}>Settings</h1>
      </div>
      <ApplySpeedSection />
      <PolicySection />
    </section>
  );
}

// ---- Apply speed ------------------------------------------------------------------------

function ApplySpeedSection() {
  const id = useId();
  const query = useApplySettings();
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="apply-settings">
      <div className="card-header">
        <h2 id={`${id}-title`}>Apply speed</h2>
      </div>
      <div className="card-body settings-body">
        <p className="muted">
          How fast Gatehouse sends account assignment changes when you apply them. AWS allows at most 15 outstanding
          account-assignment creations and about 20 IAM Identity Center (sso-admin) requests per second, for the whole account —
          not per tool. Lower these if other tools (pipelines, Terraform, scripts) use the same account while you apply, so
          neither gets throttled.
        </p>
        {query.isPending && (
          <p className="muted" role="status">
            <Spinner /> Reading the settings…
          </p>
        )}
        {query.isError && <ErrorCallout error={query.error} title="Could not read the apply settings" onRetry={() => void query.refetch()} />}
        {query.data !== undefined && <ApplySpeedForm saved={query.data} />}
      </div>
    </section>
  );
}

function ApplySpeedForm({ saved }: { saved: ApplySettings }) {
  const id = useId();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ApplySettingsDraft>(() => draftOf(saved));
  const [submitted, setSubmitted] = useState(false);
  const [savedNote, setSavedNote] = useState(false);
  const mutation = useMutation<ApplySettings, GatehouseError, ApplySettings>({
    mutationFn: (s) => api.saveApplySettings(s),
    onSuccess: (result) => {
      // The form shows what the backend kept.
      setDraft(draftOf(result));
      setSubmitted(false);
      setSavedNote(true);
      qc.setQueryData(settingsKeys.apply, result);
    },
  });
  const { settings, errors } = parseApplySettings(draft);
  const dirty = settings === null || !sameSettings(settings, saved);
  const serverError = mutation.error !== null ? toGatehouseError(mutation.error) : null;
  const serverValidation = serverError?.kind === "validation" ? serverError : null;
  const serverField = serverValidation !== null ? fieldOfMessage(serverValidation.message) : null;

  const fieldError = (field: keyof ApplySettings): string | null => {
    if (serverField === field && serverValidation !== null) return serverValidation.message;
    return submitted || draft[field].trim() !== "" ? (errors[field] ?? null) : null;
  };

  const edit = (field: keyof ApplySettingsDraft, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setSavedNote(false);
    if (mutation.isError) mutation.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (settings === null) return;
    mutation.mutate(settings);
  };

  const outstandingError = fieldError("max_outstanding");
  const rpsError = fieldError("requests_per_second");
  return (
    <form className="settings-form" onSubmit={submit} noValidate aria-label="Apply speed">
      <div className="settings-field">
        <label htmlFor={`${id}-outstanding`}>Outstanding requests at most</label>
        <input
          id={`${id}-outstanding`}
          type="number"
          inputMode="numeric"
          min={MAX_OUTSTANDING.min}
          max={MAX_OUTSTANDING.max}
          step={1}
          value={draft.max_outstanding}
          onChange={(e) => edit("max_outstanding", e.target.value)}
          aria-invalid={outstandingError !== null}
          aria-describedby={`${id}-outstanding-hint ${id}-outstanding-error`}
          data-testid="apply-max-outstanding"
        />
        <span id={`${id}-outstanding-hint`} className="muted settings-hint">
          {MAX_OUTSTANDING.min}–{MAX_OUTSTANDING.max}: creations and deletions sent and not finished yet.
        </span>
        <span id={`${id}-outstanding-error`} className="field-error" role={outstandingError !== null ? "alert" : undefined} data-testid="apply-max-outstanding-error">
          {outstandingError}
        </span>
      </div>
      <div className="settings-field">
        <label htmlFor={`${id}-rps`}>Requests per second at most</label>
        <input
          id={`${id}-rps`}
          type="number"
          inputMode="numeric"
          min={REQUESTS_PER_SECOND.min}
          max={REQUESTS_PER_SECOND.max}
          step={1}
          value={draft.requests_per_second}
          onChange={(e) => edit("requests_per_second", e.target.value)}
          aria-invalid={rpsError !== null}
          aria-describedby={`${id}-rps-hint ${id}-rps-error`}
          data-testid="apply-rps"
        />
        <span id={`${id}-rps-hint`} className="muted settings-hint">
          {REQUESTS_PER_SECOND.min}–{REQUESTS_PER_SECOND.max}: sso-admin requests, status checks included.
        </span>
        <span id={`${id}-rps-error`} className="field-error" role={rpsError !== null ? "alert" : undefined} data-testid="apply-rps-error">
          {rpsError}
        </span>
      </div>
      {serverValidation !== null && serverField === null && (
        <p className="field-error" role="alert" data-testid="apply-settings-error">
          {serverValidation.message}
        </p>
      )}
      {serverError !== null && serverValidation === null && <ErrorCallout error={serverError} title="Could not save the apply settings" />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={mutation.isPending || !dirty} data-testid="save-apply-settings">
          {mutation.isPending && <Spinner />} Save
        </button>
        {dirty && settings !== null && (
          <button type="button" onClick={() => setDraft(draftOf(saved))} disabled={mutation.isPending}>
            Undo changes
          </button>
        )}
        {savedNote && !dirty && (
          <span className="muted" role="status" data-testid="apply-settings-saved">
            Saved. The next apply uses these limits.
          </span>
        )}
      </div>
    </form>
  );
}

// ---- Least privilege --------------------------------------------------------------------

function PolicySection() {
  const id = useId();
  const query = useGatehousePolicy();
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="gatehouse-policy">
      <div className="card-header">
        <h2 id={`${id}-title`}>Least privilege for Gatehouse</h2>
      </div>
      <div className="card-body settings-body">
        <p className="muted">
          The IAM permissions Gatehouse uses, and nothing more. Attach the read-only policy to people who only review access
          (reports, the matrix, the activity log); the read-write policy adds what applying changes, editing permission sets and
          provisioning need. In IAM Identity Center, put it in a permission set&rsquo;s inline policy.
        </p>
        {query.isPending && (
          <p className="muted" role="status">
            <Spinner /> Reading the policy…
          </p>
        )}
        {query.isError && <ErrorCallout error={query.error} title="Could not read Gatehouse's IAM policy" onRetry={() => void query.refetch()} />}
        {query.data !== undefined && <PolicyView policy={query.data} />}
      </div>
    </section>
  );
}

type SaveState = { kind: "idle" } | { kind: "saving"; readWrite: boolean } | { kind: "saved"; readWrite: boolean; path: string } | { kind: "failed"; error: unknown };

function PolicyView({ policy }: { policy: GatehousePolicy }) {
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  const actions = sortActions(policy.actions);

  const saveAs = async (readWrite: boolean) => {
    setSave({ kind: "saving", readWrite });
    try {
      const path = await pickSavePath({
        title: readWrite ? "Save the read-write policy" : "Save the read-only policy",
        defaultPath: readWrite ? "gatehouse-read-write-policy.json" : "gatehouse-read-only-policy.json",
        filters: [{ name: "IAM policy (JSON)", extensions: ["json"] }],
      });
      if (path === null) {
        setSave({ kind: "idle" });
        return;
      }
      await api.saveGatehousePolicy(path, readWrite);
      setSave({ kind: "saved", readWrite, path });
    } catch (error) {
      setSave({ kind: "failed", error });
    }
  };

  const doc = (readWrite: boolean) => {
    const text = readWrite ? policy.read_write : policy.read_only;
    const name = readWrite ? "Read-write" : "Read-only";
    return (
      <div className="settings-policy">
        <div className="settings-policy-header">
          <h3>{name}</h3>
          <CopyButton value={text} label={`Copy the ${name.toLowerCase()} policy`} />
          <button
            type="button"
            className="small"
            onClick={() => void saveAs(readWrite)}
            disabled={save.kind === "saving"}
            data-testid={readWrite ? "save-policy-read-write" : "save-policy-read-only"}
          >
            {save.kind === "saving" && save.readWrite === readWrite && <Spinner />} Save…
          </button>
        </div>
        <pre
          className="settings-policy-json"
          tabIndex={0}
          aria-label={`${name} policy document`}
          data-testid={readWrite ? "policy-read-write" : "policy-read-only"}
        >
          {text}
        </pre>
      </div>
    );
  };

  return (
    <>
      <div className="settings-policies">
        {doc(false)}
        {doc(true)}
      </div>
      {save.kind === "saved" && (
        <p role="status" data-testid="policy-saved">
          Saved the {save.readWrite ? "read-write" : "read-only"} policy to <span className="mono">{save.path}</span>.
        </p>
      )}
      {save.kind === "failed" && <ErrorCallout error={save.error} title="Could not save the policy" />}
      <details className="settings-actions" open>
        <summary>
          What each action is used for ({actions.length} actions, {actions.filter((a) => a.access === "write").length} of them
          writes)
        </summary>
        <table className="settings-action-table" aria-label="IAM actions Gatehouse uses" data-testid="policy-actions">
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Access</th>
              <th scope="col">Used for</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.action} data-access={a.access} data-service={serviceOf(a.action)}>
                <td className="mono">{a.action}</td>
                <td>
                  <span className={a.access === "write" ? "badge badge-attention" : "badge"}>{a.access === "write" ? "write" : "read"}</span>
                </td>
                <td>{a.used_for}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
