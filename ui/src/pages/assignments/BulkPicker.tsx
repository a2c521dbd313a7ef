/**
 * "Assign permission sets…" / "Remove…" for a selection: pick sets, see how many changes that
 * stages (cells already in that state are skipped), stage them. Nothing is sent to AWS.
 */
import { useMemo, useState } from "react";
import type { ChangeOp, StagedChange } from "../../state/staging";
import type { MatrixIndex, StagedIndex } from "./model";
import { count, Modal, SetSwatch } from "./parts";
import { bulkChanges, checkedCounts, MAX_BULK_ASSIGNMENTS, targetCellCount, type SelectionTargets } from "./selection";

export function BulkPicker({
  op,
  index,
  staged,
  targets,
  initial,
  onStage,
  onClose,
}: {
  op: ChangeOp;
  index: MatrixIndex;
  staged: StagedIndex;
  targets: SelectionTargets;
  /** Sets ticked at first (the "one permission set" pivot's set). */
  initial: readonly string[];
  onStage: (changes: StagedChange[]) => void;
  onClose: () => void;
}) {
  const [chosen, setChosen] = useState<string[]>(() => [...initial]);
  const cells = targetCellCount(targets);
  const counts = useMemo(() => checkedCounts(index, staged, targets), [index, staged, targets]);
  const changes = useMemo(() => bulkChanges(index, staged, targets, chosen, op), [index, staged, targets, chosen, op]);
  const adding = op === "create";
  const flip = (arn: string) => setChosen((c) => (c.includes(arn) ? c.filter((x) => x !== arn) : [...c, arn]));

  const summary =
    changes === null
      ? `That is ${(cells * chosen.length).toLocaleString()} assignments: select at most ${MAX_BULK_ASSIGNMENTS.toLocaleString()} at once.`
      : chosen.length === 0
        ? "Pick one or more permission sets."
        : changes.length === 0
          ? adding
            ? "Every selected cell already has these sets (or has them staged): nothing to stage."
            : "No selected cell has these sets: nothing to stage."
          : `Stages ${count(changes.length, adding ? "addition" : "removal")}.`;

  return (
    <Modal
      title={adding ? "Assign permission sets" : "Remove permission sets"}
      onClose={onClose}
      testId="bulk-picker"
      footer={
        <>
          <span className="muted asg-bulk-summary" role="status" data-testid="bulk-summary">
            {summary}
          </span>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={changes === null || changes.length === 0}
            data-testid={adding ? "stage-assign" : "stage-remove"}
            onClick={() => {
              if (changes !== null && changes.length > 0) onStage(changes);
            }}
          >
            {adding ? "Stage assignments" : "Stage removals"}
          </button>
        </>
      }
    >
      <p>
        {adding ? "To" : "From"} {count(targets.accountIds.length, "account")} × {count(targets.principals.length, "principal")} (
        {count(cells, "cell")}). Staged changes are sent only when you review and apply them.
      </p>
      <fieldset className="asg-bulk-sets">
        <legend>Permission sets</legend>
        <ul className="asg-ps-options">
          {index.permissionSets.map((ps) => {
            const n = counts?.get(ps.arn) ?? 0;
            return (
              <li key={ps.arn}>
                <label>
                  <input type="checkbox" checked={chosen.includes(ps.arn)} onChange={() => flip(ps.arn)} data-testid={`ps-option-${ps.name}`} />
                  <SetSwatch ps={ps} />
                  <span className="asg-ps-name">{ps.name}</span>
                  {counts !== null && (
                    <span className="asg-ps-note">
                      {n === 0 ? "in no selected cell" : n === cells ? "in every selected cell" : `in ${n.toLocaleString()} of ${cells.toLocaleString()} cells`}
                    </span>
                  )}
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
    </Modal>
  );
}
