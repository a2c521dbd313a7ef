import { lazy, Suspense, useId, useMemo, useRef, useState, type FormEvent } from "react";
import type { ManagedPolicyInfo, PermissionSetState, PermissionsBoundary, PolicyValidation } from "../../backend/api";
import { Callout } from "../../components/Callout";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import type { PolicyEditorHandle } from "./InlinePolicyEditor";
import { LIMITS, plural, policyName, problemsAt, type ProblemIndex } from "./model";
import { useInlinePolicyValidation, useManagedPolicyCatalog } from "./queries";
import { describe, FieldProblems, type Update } from "./SummaryTab";

/** CodeMirror is loaded when the Policies tab is first shown (it is most of the bundle). */
const InlinePolicyEditor = lazy(() => import("./InlinePolicyEditor").then((m) => ({ default: m.InlinePolicyEditor })));

const EXAMPLE_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBuckets",
      "Effect": "Allow",
      "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
      "Resource": "*"
    }
  ]
}
`;

/** AWS managed, customer managed, inline and boundary. */
export function PoliciesTab({ draft, update, problems }: { draft: PermissionSetState; update: Update; problems: ProblemIndex }) {
  const catalog = useManagedPolicyCatalog();
  const attached = draft.managed_policies.length + draft.customer_managed_policies.length;
  return (
    <div className="ps-policies">
      <section className="ps-section" aria-labelledby="ps-managed-title">
        <h2 id="ps-managed-title">AWS managed policies</h2>
        <AttachedCount attached={attached} />
        <FieldProblems id="ps-managed-all-problems" problems={problemsAt(problems, "/managed_policies")} />
        <ManagedPolicies draft={draft} update={update} problems={problems} catalog={catalog.data ?? []} />
        {catalog.isError && <ErrorCallout error={catalog.error} title="Could not read the list of AWS managed policies" />}
        <ManagedPolicyPicker draft={draft} update={update} catalog={catalog.data ?? []} loading={catalog.isPending} />
      </section>

      <section className="ps-section" aria-labelledby="ps-customer-title">
        <h2 id="ps-customer-title">Customer managed policies</h2>
        <CustomerPolicies draft={draft} update={update} problems={problems} />
      </section>

      <section className="ps-section" aria-labelledby="ps-inline-title">
        <h2 id="ps-inline-title">Inline policy</h2>
        <InlinePolicySection draft={draft} update={update} />
      </section>

      <section className="ps-section" aria-labelledby="ps-boundary-title">
        <h2 id="ps-boundary-title">Permissions boundary</h2>
        <BoundaryEditor draft={draft} update={update} problems={problems} catalog={catalog.data ?? []} />
      </section>
    </div>
  );
}

function AttachedCount({ attached }: { attached: number }) {
  return (
    <p className={attached > LIMITS.iamPerRoleDefault ? "text-attention" : "muted"} data-testid="ps-attached-count">
      {attached} of {LIMITS.attachedMax} managed and customer managed policies attached.
      {attached > LIMITS.iamPerRoleDefault &&
        ` IAM allows ${LIMITS.iamPerRoleDefault} per role unless the quota was raised in every target account: provisioning may fail.`}
    </p>
  );
}

function ManagedPolicies({
  draft,
  update,
  problems,
  catalog,
}: {
  draft: PermissionSetState;
  update: Update;
  problems: ProblemIndex;
  catalog: readonly ManagedPolicyInfo[];
}) {
  const byArn = useMemo(() => new Map(catalog.map((p) => [p.arn, p])), [catalog]);
  if (draft.managed_policies.length === 0) return <p className="muted">No AWS managed policy attached.</p>;
  return (
    <ul className="ps-attached" data-testid="ps-managed-list">
      {draft.managed_policies.map((arn, i) => {
        const info = byArn.get(arn);
        const rowProblems = problemsAt(problems, `/managed_policies/${i}`);
        return (
          <li key={`${arn}-${i}`} data-testid={`ps-managed-${policyName(arn)}`}>
            <div className="ps-attached-main">
              <span className="ps-attached-name">
                {policyName(arn)}
                {info?.category === "job_function" && <span className="badge">job function</span>}
              </span>
              <span className="mono muted ps-arn">{arn}</span>
              {info !== undefined && <span className="muted">{info.description}</span>}
              <FieldProblems id={`ps-managed-${i}-problems`} problems={rowProblems} />
            </div>
            <button
              type="button"
              className="small"
              aria-label={`Remove ${policyName(arn)}`}
              onClick={() => update((d) => ({ ...d, managed_policies: d.managed_policies.filter((_, j) => j !== i) }))}
            >
              Remove
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The bundled list (job functions first), filtered as the admin types, and "add by ARN". */
function ManagedPolicyPicker({
  draft,
  update,
  catalog,
  loading,
}: {
  draft: PermissionSetState;
  update: Update;
  catalog: readonly ManagedPolicyInfo[];
  loading: boolean;
}) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [arn, setArn] = useState("");
  const add = (policy: string) =>
    update((d) => (d.managed_policies.includes(policy) ? d : { ...d, managed_policies: [...d.managed_policies, policy] }));
  const q = query.trim().toLowerCase();
  const available = catalog.filter(
    (p) =>
      !draft.managed_policies.includes(p.arn) &&
      (q === "" || p.name.toLowerCase().includes(q) || p.description.toLowerCase().includes(q) || p.arn.toLowerCase().includes(q)),
  );
  const groups: { title: string; items: ManagedPolicyInfo[] }[] = [
    { title: "Job functions", items: available.filter((p) => p.category === "job_function") },
    { title: "Other common AWS managed policies", items: available.filter((p) => p.category !== "job_function") },
  ];
  const submitArn = (event: FormEvent) => {
    event.preventDefault();
    const value = arn.trim();
    if (value === "") return;
    add(value);
    setArn("");
  };

  return (
    <details className="ps-picker" data-testid="ps-managed-picker">
      <summary>Add an AWS managed policy…</summary>
      <div className="ps-picker-body">
        <label htmlFor={`${id}-search`}>Find a policy</label>
        <input
          id={`${id}-search`}
          type="search"
          data-testid="ps-managed-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="ReadOnly, S3, Billing…"
          autoComplete="off"
        />
        {loading && (
          <p className="muted">
            <Spinner /> Loading the list…
          </p>
        )}
        <div className="ps-picker-list">
          {groups.map(
            (group) =>
              group.items.length > 0 && (
                <div key={group.title} role="group" aria-label={group.title}>
                  <h3 className="ps-picker-group">{group.title}</h3>
                  <ul>
                    {group.items.map((p) => (
                      <li key={p.arn}>
                        <div className="ps-attached-main">
                          <span className="ps-attached-name">{p.name}</span>
                          <span className="mono muted ps-arn">{p.arn}</span>
                          <span className="muted">{p.description}</span>
                        </div>
                        <button
                          type="button"
                          className="small"
                          data-testid={`ps-managed-add-${p.name}`}
                          aria-label={`Add ${p.name}`}
                          onClick={() => add(p.arn)}
                        >
                          Add
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              ),
          )}
          {!loading && available.length === 0 && <p className="muted">No policy in the list matches.</p>}
        </div>
        <form className="ps-add-arn" onSubmit={submitArn} noValidate>
          <label htmlFor={`${id}-arn`}>Or add another AWS managed policy by ARN</label>
          <div className="row">
            <input
              id={`${id}-arn`}
              className="mono"
              data-testid="ps-managed-arn"
              value={arn}
              onChange={(e) => setArn(e.target.value)}
              placeholder="arn:aws:iam::aws:policy/…"
              spellCheck={false}
              autoComplete="off"
            />
            <button type="submit" className="small" disabled={arn.trim() === ""}>
              Add
            </button>
          </div>
        </form>
      </div>
    </details>
  );
}

function CustomerPolicies({ draft, update, problems }: { draft: PermissionSetState; update: Update; problems: ProblemIndex }) {
  const id = useId();
  const list = draft.customer_managed_policies;
  return (
    <>
      <Callout tone="attention" title="Must exist in every target account" testId="ps-customer-warning">
        <p>
          A customer managed policy is a reference by name and path: a policy with this name and path must exist in every
          account the set is provisioned to, or provisioning to that account fails.
        </p>
      </Callout>
      {list.length === 0 && <p className="muted">No customer managed policy referenced.</p>}
      {list.length > 0 && (
        <ul className="ps-attached" data-testid="ps-customer-list">
          {list.map((ref, i) => {
            const nameProblems = problemsAt(problems, `/customer_managed_policies/${i}/name`);
            const pathProblems = problemsAt(problems, `/customer_managed_policies/${i}/path`);
            const rowProblems = problemsAt(problems, `/customer_managed_policies/${i}`);
            const set = (changes: Partial<typeof ref>) =>
              update((d) => ({
                ...d,
                customer_managed_policies: d.customer_managed_policies.map((c, j) => (j === i ? { ...c, ...changes } : c)),
              }));
            return (
              <li key={i} data-testid={`ps-customer-${i}`}>
                <div className="ps-customer-fields">
                  <input
                    aria-label={`Customer managed policy ${i + 1} path`}
                    className="mono ps-path-input"
                    data-testid={`ps-customer-path-${i}`}
                    value={ref.path}
                    onChange={(e) => set({ path: e.target.value })}
                    spellCheck={false}
                    autoComplete="off"
                    {...describe({ problems: `${id}-${i}-path` }, pathProblems)}
                  />
                  <input
                    aria-label={`Customer managed policy ${i + 1} name`}
                    className="mono"
                    data-testid={`ps-customer-name-${i}`}
                    value={ref.name}
                    placeholder="Policy name"
                    onChange={(e) => set({ name: e.target.value })}
                    spellCheck={false}
                    autoComplete="off"
                    {...describe({ problems: `${id}-${i}-name` }, nameProblems)}
                  />
                  <button
                    type="button"
                    className="small"
                    aria-label={`Remove customer managed policy ${i + 1}${ref.name !== "" ? ` (${ref.name})` : ""}`}
                    onClick={() =>
                      update((d) => ({ ...d, customer_managed_policies: d.customer_managed_policies.filter((_, j) => j !== i) }))
                    }
                  >
                    Remove
                  </button>
                </div>
                <FieldProblems id={`${id}-${i}-path`} problems={pathProblems} />
                <FieldProblems id={`${id}-${i}-name`} problems={nameProblems} />
                <FieldProblems id={`${id}-${i}-row`} problems={rowProblems} />
              </li>
            );
          })}
        </ul>
      )}
      <div>
        <button
          type="button"
          className="small"
          data-testid="ps-customer-add"
          onClick={() => update((d) => ({ ...d, customer_managed_policies: [...d.customer_managed_policies, { name: "", path: "/" }] }))}
        >
          Add customer managed policy
        </button>
      </div>
    </>
  );
}

function SizeMeter({ label, value, max, testId }: { label: string; value: number; max: number; testId: string }) {
  const over = value > max;
  return (
    <div className={over ? "ps-meter ps-meter-over" : "ps-meter"} data-testid={testId}>
      <span className="ps-meter-label">{label}</span>
      <meter min={0} max={max} low={max * 0.8} high={max * 0.95} optimum={0} value={Math.min(value, max)} aria-label={label} />
      <span className="mono">
        {value.toLocaleString("en-US")} / {max.toLocaleString("en-US")}
      </span>
    </div>
  );
}

/** What the meter shows before the first check answers: measured here the way AWS measures. */
function localSize(text: string): PolicyValidation["size"] {
  return {
    bytes: new TextEncoder().encode(text).length,
    max_bytes: 32_768,
    non_whitespace_chars: Array.from(text.replace(/\s/g, "")).length,
    max_non_whitespace_chars: 10_240,
  };
}

function InlinePolicySection({ draft, update }: { draft: PermissionSetState; update: Update }) {
  const text = draft.inline_policy ?? "";
  const { validation, checkedText, checking, error } = useInlinePolicyValidation(text);
  const editor = useRef<PolicyEditorHandle>(null);
  const onChange = (value: string) => update((d) => ({ ...d, inline_policy: value === "" ? null : value }));
  const blank = text.trim() === "";
  const size = validation?.size ?? localSize(text);
  const problems = validation?.problems ?? [];
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;

  return (
    <>
      <p className="muted">
        One JSON policy document, checked as you type. Empty means no inline policy (an existing one is removed when you
        save).
      </p>
      <Suspense
        fallback={
          <p className="muted policy-editor-loading">
            <Spinner /> Loading the editor…
          </p>
        }
      >
        <InlinePolicyEditor
          ref={editor}
          value={text}
          onChange={onChange}
          problems={problems}
          problemsText={checkedText}
          label="Inline policy (JSON)"
          describedBy="ps-inline-status"
          testId="ps-inline-editor"
        />
      </Suspense>
      <div className="row ps-inline-actions">
        {blank ? (
          <button type="button" className="small" data-testid="ps-inline-example" onClick={() => onChange(EXAMPLE_POLICY)}>
            Start from an example
          </button>
        ) : (
          <button type="button" className="small" data-testid="ps-inline-clear" onClick={() => onChange("")}>
            Remove the inline policy
          </button>
        )}
        <span id="ps-inline-status" className="muted" role="status" data-testid="ps-inline-status">
          {blank
            ? "No inline policy."
            : checking
              ? "Checking…"
              : validation === null
                ? ""
                : validation.valid
                  ? warnings > 0
                    ? `Valid, with ${plural(warnings, "warning")}.`
                    : "Valid."
                  : `${plural(errors, "problem")} to fix${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}.`}
        </span>
      </div>
      <div className="ps-meters" aria-label="Inline policy size">
        <SizeMeter label="Bytes" value={size.bytes} max={size.max_bytes} testId="ps-inline-bytes" />
        <SizeMeter
          label="Characters (not counting whitespace)"
          value={size.non_whitespace_chars}
          max={size.max_non_whitespace_chars}
          testId="ps-inline-chars"
        />
      </div>
      {error !== null && <ErrorCallout error={error} title="Could not check the inline policy" />}
      <ul className="ps-inline-problems" data-testid="ps-inline-problems" aria-label="Inline policy problems" data-count={blank ? 0 : problems.length}>
        {!blank &&
          problems.map((p, i) => (
            <li key={i} className={`ps-problem ps-problem-${p.severity}`} data-severity={p.severity}>
              <button
                type="button"
                className="link-button mono"
                onClick={() => editor.current?.goTo(p.line, p.column)}
                aria-label={`Go to line ${p.line}, column ${p.column}`}
              >
                {p.line}:{p.column}
              </button>
              <span className={p.severity === "error" ? "text-error" : "text-attention"}>{p.severity === "error" ? "Error" : "Warning"}</span>
              <span>{p.message}</span>
            </li>
          ))}
      </ul>
    </>
  );
}

type BoundaryKind = "none" | "managed" | "customer_managed";

function BoundaryEditor({
  draft,
  update,
  problems,
  catalog,
}: {
  draft: PermissionSetState;
  update: Update;
  problems: ProblemIndex;
  catalog: readonly ManagedPolicyInfo[];
}) {
  const id = useId();
  const b = draft.permissions_boundary;
  const kind: BoundaryKind = b === null ? "none" : b.kind;
  // What the admin typed for the other kind is kept while switching back and forth.
  const [kept, setKept] = useState<{ managed: string; name: string; path: string }>({
    managed: b?.kind === "managed" ? b.arn : "",
    name: b?.kind === "customer_managed" ? b.name : "",
    path: b?.kind === "customer_managed" ? b.path : "/",
  });
  const setBoundary = (next: PermissionsBoundary | null) => {
    if (next?.kind === "managed") setKept((k) => ({ ...k, managed: next.arn }));
    if (next?.kind === "customer_managed") setKept((k) => ({ ...k, name: next.name, path: next.path }));
    update((d) => ({ ...d, permissions_boundary: next }));
  };
  const choose = (k: BoundaryKind) => {
    if (k === "none") setBoundary(null);
    else if (k === "managed") setBoundary({ kind: "managed", arn: kept.managed });
    else setBoundary({ kind: "customer_managed", name: kept.name, path: kept.path });
  };
  const arnProblems = problemsAt(problems, "/permissions_boundary/arn");
  const nameProblems = problemsAt(problems, "/permissions_boundary/name");
  const pathProblems = problemsAt(problems, "/permissions_boundary/path");
  const choices: { value: BoundaryKind; label: string }[] = [
    { value: "none", label: "None" },
    { value: "managed", label: "AWS managed policy" },
    { value: "customer_managed", label: "Customer managed policy" },
  ];

  return (
    <>
      <p className="muted">
        The most the roles this set creates may ever do, whatever their policies allow. Usually none.
      </p>
      <fieldset className="ps-boundary-kinds">
        <legend className="visually-hidden">Permissions boundary</legend>
        {choices.map((c) => (
          <label key={c.value} className={kind === c.value ? "choice choice-selected" : "choice"}>
            <input
              type="radio"
              name={`${id}-boundary`}
              value={c.value}
              checked={kind === c.value}
              onChange={() => choose(c.value)}
              data-testid={`ps-boundary-${c.value}`}
            />
            <span className="choice-label">{c.label}</span>
          </label>
        ))}
      </fieldset>
      {b?.kind === "managed" && (
        <div className="subsection">
          <label htmlFor={`${id}-boundary-arn`}>Policy ARN</label>
          <input
            id={`${id}-boundary-arn`}
            className="mono"
            data-testid="ps-boundary-arn"
            list={`${id}-boundary-catalog`}
            value={b.arn}
            placeholder="arn:aws:iam::aws:policy/PowerUserAccess"
            onChange={(e) => setBoundary({ kind: "managed", arn: e.target.value })}
            spellCheck={false}
            autoComplete="off"
            {...describe({ problems: `${id}-boundary-arn-problems` }, arnProblems)}
          />
          <datalist id={`${id}-boundary-catalog`}>
            {catalog.map((p) => (
              <option key={p.arn} value={p.arn}>
                {p.name}
              </option>
            ))}
          </datalist>
          <FieldProblems id={`${id}-boundary-arn-problems`} problems={arnProblems} />
        </div>
      )}
      {b?.kind === "customer_managed" && (
        <div className="subsection">
          <Callout tone="attention" title="Must exist in every target account">
            <p>A policy with this name and path must exist in every account the set is provisioned to.</p>
          </Callout>
          <div className="ps-customer-fields">
            <input
              aria-label="Boundary policy path"
              className="mono ps-path-input"
              data-testid="ps-boundary-path"
              value={b.path}
              onChange={(e) => setBoundary({ ...b, path: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              {...describe({ problems: `${id}-boundary-path-problems` }, pathProblems)}
            />
            <input
              aria-label="Boundary policy name"
              className="mono"
              data-testid="ps-boundary-name"
              value={b.name}
              placeholder="Policy name"
              onChange={(e) => setBoundary({ ...b, name: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              {...describe({ problems: `${id}-boundary-name-problems` }, nameProblems)}
            />
          </div>
          <FieldProblems id={`${id}-boundary-path-problems`} problems={pathProblems} />
          <FieldProblems id={`${id}-boundary-name-problems`} problems={nameProblems} />
        </div>
      )}
    </>
  );
}
