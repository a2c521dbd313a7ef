/**
 * "Export as code": the snapshot's permission sets and account assignments as a CloudFormation
 * template or a Terraform configuration, optionally with the changes staged in the matrix,
 * previewed read-only (file by file, with resource counts and the backend's notes on splits and
 * imports) before "Save…" writes them where the admin chooses.
 */
import { useEffect, useId, useRef, useState } from "react";
import { api, type ExportFormat } from "../../backend/api";
import { pickSavePath, type FileFilter } from "../../backend/dialog";
import { CopyButton } from "../../components/CopyButton";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { useStaging } from "../../state/staging";
import { plural } from "./model";
import { useCodeExport } from "./queries";

const FORMATS: { id: ExportFormat; label: string; hint: string }[] = [
  { id: "cloudformation", label: "CloudFormation", hint: "AWS::SSO::PermissionSet and AWS::SSO::Assignment (YAML)" },
  { id: "terraform", label: "Terraform", hint: "aws_ssoadmin_* resources with import blocks" },
];

const SAVE_FILTERS: Record<ExportFormat, FileFilter[]> = {
  cloudformation: [{ name: "CloudFormation template", extensions: ["yaml", "yml"] }],
  terraform: [{ name: "Terraform configuration", extensions: ["tf"] }],
};

type SaveState = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; paths: string[] } | { kind: "failed"; error: unknown };

export function ExportCodePanel({ takenAt, onClose }: { takenAt: string; onClose: () => void }) {
  const id = useId();
  const staging = useStaging();
  const [format, setFormat] = useState<ExportFormat>("cloudformation");
  const [includePending, setIncludePending] = useState(false);
  const pending = includePending ? staging.changes : [];
  const query = useCodeExport(format, takenAt, pending);
  const [fileIndex, setFileIndex] = useState(0);
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => headingRef.current?.focus(), []);

  const data = query.data;
  const files = data?.files ?? [];
  const file = files[Math.min(fileIndex, Math.max(0, files.length - 1))];
  const resources = files.reduce((n, f) => n + f.resources, 0);

  const change = (next: () => void) => {
    next();
    setFileIndex(0);
    setSave({ kind: "idle" });
  };

  const saveFiles = async () => {
    setSave({ kind: "saving" });
    try {
      const path = await pickSavePath({
        title: `Save the ${format === "cloudformation" ? "CloudFormation template" : "Terraform configuration"}`,
        defaultPath: files[0]?.name,
        filters: SAVE_FILTERS[format],
      });
      if (path === null) {
        setSave({ kind: "idle" });
        return;
      }
      const paths = await api.saveCodeExport(format, [...pending], path);
      setSave({ kind: "saved", paths });
    } catch (error) {
      setSave({ kind: "failed", error });
    }
  };

  return (
    <section className="panel report-export-code" aria-labelledby={`${id}-title`} data-testid="export-code-panel">
      <div className="page-header">
        <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
          Export as code
        </h2>
        <button type="button" className="small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted">
        The permission sets and account assignments of this snapshot, for admins who manage access as code. Nothing is sent to
        AWS.
      </p>
      <div className="report-export-options">
        <fieldset>
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.id} className="report-radio" title={f.hint}>
              <input
                type="radio"
                name={`${id}-format`}
                value={f.id}
                checked={format === f.id}
                onChange={() => change(() => setFormat(f.id))}
                data-testid={`export-code-format-${f.id}`}
              />
              {f.label}
            </label>
          ))}
        </fieldset>
        <label className="report-checkbox">
          <input
            type="checkbox"
            checked={includePending}
            disabled={staging.changes.length === 0 && !includePending}
            onChange={(e) => change(() => setIncludePending(e.target.checked))}
            data-testid="export-code-include-pending"
          />
          Include staged (pending) changes{" "}
          <span className="muted">
            ({staging.changes.length === 0 ? "none staged" : plural(staging.changes.length, "change")})
          </span>
        </label>
      </div>

      {query.isPending && (
        <p className="muted" role="status">
          <Spinner /> Writing the {format === "cloudformation" ? "template" : "configuration"}…
        </p>
      )}
      {query.isError && (
        <ErrorCallout error={query.error} title="Could not export the snapshot as code" onRetry={() => void query.refetch()} />
      )}
      {data !== undefined && (
        <>
          <p data-testid="export-code-summary">
            {plural(files.length, "file")}, {plural(resources, "resource")}
            {includePending && pending.length > 0 ? `, with ${plural(pending.length, "staged change")}` : ""}.
          </p>
          {data.notes.length > 0 && (
            <ul className="report-notes" data-testid="export-code-notes">
              {data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {files.length > 1 && (
            <div className="report-file-tabs" role="group" aria-label="Files">
              {files.map((f, i) => (
                <button
                  key={f.name}
                  type="button"
                  className="small"
                  aria-pressed={f === file}
                  onClick={() => setFileIndex(i)}
                  data-testid="export-code-file-tab"
                >
                  {f.name} <span className="muted">({f.resources})</span>
                </button>
              ))}
            </div>
          )}
          {file !== undefined && (
            <div className="report-file" data-testid="export-code-file">
              <div className="report-file-header">
                <span className="mono">{file.name}</span>
                <span className="muted">{plural(file.resources, "resource")}</span>
                <CopyButton value={file.content} label={`Copy ${file.name}`} />
              </div>
              <pre className="report-file-content" tabIndex={0} aria-label={`Contents of ${file.name} (read-only)`} data-testid="export-code-preview">
                {file.content}
              </pre>
            </div>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="primary"
              onClick={() => void saveFiles()}
              disabled={save.kind === "saving" || files.length === 0}
              data-testid="export-code-save"
            >
              {save.kind === "saving" && <Spinner />} Save…
            </button>
            {files.length > 1 && <span className="muted">Split files are saved next to each other (-2, -3… before the extension).</span>}
          </div>
          {save.kind === "saved" && (
            <div role="status" data-testid="export-code-saved">
              Saved {plural(save.paths.length, "file")}:
              <ul className="report-paths">
                {save.paths.map((p) => (
                  <li key={p} className="mono">
                    {p}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {save.kind === "failed" && <ErrorCallout error={save.error} title="Could not save the export" />}
        </>
      )}
    </section>
  );
}
