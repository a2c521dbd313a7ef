import { useId, type ReactNode } from "react";
import type { FieldProblem, PermissionSetState, TagPair } from "../../backend/api";
import { describeDuration, LIMITS, problemsAt, SESSION_HOURS, wholeHours, type ProblemIndex } from "./model";

export type Update = (change: (draft: PermissionSetState) => PermissionSetState) => void;

/** The problems under a field (`role="alert"`-free: they update as the admin types). */
export function FieldProblems({ id, problems }: { id: string; problems: readonly FieldProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div id={id} className="ps-field-problems" data-testid="ps-field-problems">
      {problems.map((p, i) => (
        <p key={i} className="field-error">
          {p.message}
        </p>
      ))}
    </div>
  );
}

/** Props that tie an input to its problems and hint. */
export function describe(ids: { problems: string; hint?: string }, problems: readonly FieldProblem[]) {
  const describedBy = [problems.length > 0 ? ids.problems : null, ids.hint ?? null].filter((x) => x !== null).join(" ");
  return {
    "aria-invalid": problems.length > 0 ? (true as const) : undefined,
    "aria-describedby": describedBy === "" ? undefined : describedBy,
  };
}

function FormRow({ label, htmlFor, children }: { label: string; htmlFor: string; children: ReactNode }) {
  return (
    <>
      <label htmlFor={htmlFor}>{label}</label>
      <div className="ps-form-value">{children}</div>
    </>
  );
}

/** Name, description, session duration, relay state and tags. */
export function SummaryTab({
  draft,
  update,
  problems,
  nameLocked,
}: {
  draft: PermissionSetState;
  update: Update;
  problems: ProblemIndex;
  /** An existing set cannot be renamed. */
  nameLocked: boolean;
}) {
  const id = useId();
  const nameProblems = problemsAt(problems, "/name");
  const descriptionProblems = problemsAt(problems, "/description");
  const sessionProblems = problemsAt(problems, "/session_duration");
  const relayProblems = problemsAt(problems, "/relay_state");
  const hours = wholeHours(draft.session_duration);

  return (
    <div className="form-grid ps-summary-form">
      <FormRow label="Name" htmlFor={`${id}-name`}>
        <input
          id={`${id}-name`}
          data-testid="ps-name"
          className="mono"
          value={draft.name}
          onChange={(e) => {
            const name = e.target.value;
            update((d) => ({ ...d, name }));
          }}
          readOnly={nameLocked}
          maxLength={nameLocked ? undefined : 64}
          spellCheck={false}
          autoComplete="off"
          {...describe({ problems: `${id}-name-problems`, hint: `${id}-name-hint` }, nameProblems)}
        />
        <FieldProblems id={`${id}-name-problems`} problems={nameProblems} />
        <p id={`${id}-name-hint`} className="field-hint">
          {nameLocked
            ? "IAM Identity Center cannot rename a permission set."
            : `1–${LIMITS.nameMax} letters, digits and + = , . @ _ - (no spaces). It becomes part of the role name (AWSReservedSSO_<name>_…) in every account and cannot be changed later.`}
        </p>
      </FormRow>

      <FormRow label="Description" htmlFor={`${id}-description`}>
        <textarea
          id={`${id}-description`}
          data-testid="ps-description"
          rows={2}
          value={draft.description ?? ""}
          onChange={(e) => {
            const description = e.target.value;
            update((d) => ({ ...d, description: description === "" ? null : description }));
          }}
          {...describe({ problems: `${id}-description-problems` }, descriptionProblems)}
        />
        <FieldProblems id={`${id}-description-problems`} problems={descriptionProblems} />
      </FormRow>

      <FormRow label="Session duration" htmlFor={`${id}-session`}>
        <select
          id={`${id}-session`}
          data-testid="ps-session-hours"
          className="ps-session-select"
          value={draft.session_duration}
          onChange={(e) => {
            const session_duration = e.target.value;
            update((d) => ({ ...d, session_duration }));
          }}
          {...describe({ problems: `${id}-session-problems`, hint: `${id}-session-hint` }, sessionProblems)}
        >
          {hours === null && <option value={draft.session_duration}>{describeDuration(draft.session_duration)} (current)</option>}
          {SESSION_HOURS.map((h) => (
            <option key={h} value={`PT${h}H`}>
              {h === 1 ? "1 hour" : `${h} hours`}
            </option>
          ))}
        </select>
        <FieldProblems id={`${id}-session-problems`} problems={sessionProblems} />
        <p id={`${id}-session-hint`} className="field-hint">
          How long a console or CLI session lasts before the user signs in again.
        </p>
      </FormRow>

      <FormRow label="Relay state" htmlFor={`${id}-relay`}>
        <input
          id={`${id}-relay`}
          data-testid="ps-relay-state"
          type="url"
          inputMode="url"
          value={draft.relay_state ?? ""}
          placeholder="https://console.aws.amazon.com/…"
          onChange={(e) => {
            const relay = e.target.value;
            update((d) => ({ ...d, relay_state: relay === "" ? null : relay }));
          }}
          spellCheck={false}
          autoComplete="off"
          {...describe({ problems: `${id}-relay-problems`, hint: `${id}-relay-hint` }, relayProblems)}
        />
        <FieldProblems id={`${id}-relay-problems`} problems={relayProblems} />
        <p id={`${id}-relay-hint`} className="field-hint">
          Optional: the https:// page of the AWS console that opens after sign-in.
        </p>
      </FormRow>

      <span className="ps-grid-label" id={`${id}-tags-label`}>
        Tags
      </span>
      <div className="ps-form-value">
        <TagsEditor tags={draft.tags} update={update} problems={problems} labelledBy={`${id}-tags-label`} />
      </div>
    </div>
  );
}

function TagsEditor({
  tags,
  update,
  problems,
  labelledBy,
}: {
  tags: TagPair[];
  update: Update;
  problems: ProblemIndex;
  labelledBy: string;
}) {
  const id = useId();
  const setTag = (i: number, tag: TagPair) => update((d) => ({ ...d, tags: d.tags.map((t, j) => (j === i ? tag : t)) }));
  const tagsProblems = problemsAt(problems, "/tags");
  return (
    <div className="ps-tags" role="group" aria-labelledby={labelledBy} data-testid="ps-tags">
      {tags.length === 0 && <p className="muted">No tags.</p>}
      {tags.map((tag, i) => {
        const keyProblems = problemsAt(problems, `/tags/${i}/key`);
        const valueProblems = problemsAt(problems, `/tags/${i}/value`);
        return (
          <div className="ps-tag-row" key={i} data-testid={`ps-tag-${i}`}>
            <input
              aria-label={`Tag ${i + 1} key`}
              data-testid={`ps-tag-key-${i}`}
              value={tag.key}
              placeholder="Key"
              onChange={(e) => setTag(i, { ...tag, key: e.target.value })}
              autoComplete="off"
              {...describe({ problems: `${id}-${i}-key` }, keyProblems)}
            />
            <input
              aria-label={`Tag ${i + 1} value`}
              data-testid={`ps-tag-value-${i}`}
              value={tag.value}
              placeholder="Value"
              onChange={(e) => setTag(i, { ...tag, value: e.target.value })}
              autoComplete="off"
              {...describe({ problems: `${id}-${i}-value` }, valueProblems)}
            />
            <button
              type="button"
              className="small"
              aria-label={`Remove tag ${i + 1}${tag.key !== "" ? ` (${tag.key})` : ""}`}
              onClick={() => update((d) => ({ ...d, tags: d.tags.filter((_, j) => j !== i) }))}
            >
              Remove
            </button>
            <FieldProblems id={`${id}-${i}-key`} problems={keyProblems} />
            <FieldProblems id={`${id}-${i}-value`} problems={valueProblems} />
          </div>
        );
      })}
      <FieldProblems id={`${id}-all`} problems={tagsProblems} />
      <div>
        <button
          type="button"
          className="small"
          data-testid="ps-tag-add"
          disabled={tags.length >= LIMITS.tagsMax}
          onClick={() => update((d) => ({ ...d, tags: [...d.tags, { key: "", value: "" }] }))}
        >
          Add tag
        </button>
      </div>
    </div>
  );
}
