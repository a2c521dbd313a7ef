/**
 * A cell's menu: every permission set with a checkbox (checked = assigned and not staged for
 * removal, or staged to add). Ticking stages at once; unticking a staged add just cancels it.
 * A popover next to the cell; Escape, a click outside or scrolling closes it and focus returns to the cell.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { SnapshotAccount } from "../../backend/api";
import { assignmentState, type MatrixIndex, type Principal, type StagedIndex } from "./model";
import { SetSwatch } from "./parts";

export function CellMenu({
  index,
  staged,
  account,
  principal,
  anchor,
  canStage,
  onToggle,
  onClose,
}: {
  index: MatrixIndex;
  staged: StagedIndex;
  account: SnapshotAccount;
  principal: Principal;
  anchor: DOMRect;
  canStage: boolean;
  onToggle: (psArn: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ top: anchor.bottom + 4, left: anchor.left });
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  // Keep the popover inside the window: above the cell when there is no room below.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const { width, height } = el.getBoundingClientRect();
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const top = anchor.bottom + 4 + height > vh && anchor.top - 4 - height > 0 ? anchor.top - 4 - height : Math.min(anchor.bottom + 4, Math.max(4, vh - height - 4));
    const left = Math.max(4, Math.min(anchor.left, vw - width - 4));
    setPos({ top, left });
  }, [anchor]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>("input:not(:disabled), button")?.focus({ preventScroll: true });
    const onDown = (e: MouseEvent) => {
      if (ref.current !== null && e.target instanceof Node && !ref.current.contains(e.target)) onCloseRef.current();
    };
    // The popover is placed by the cell: when the grid scrolls, the cell moves away.
    const onScroll = (e: Event) => {
      if (ref.current !== null && e.target instanceof Node && !ref.current.contains(e.target)) onCloseRef.current();
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("scroll", onScroll, true);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("scroll", onScroll, true);
    };
  }, []);

  const title = `${account.name} × ${principal.name}`;
  return (
    <div
      ref={ref}
      className="asg-popover"
      role="dialog"
      aria-label={`Permission sets of ${principal.name} in ${account.name}`}
      data-testid="cell-menu"
      style={{ top: pos.top, left: pos.left }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="asg-popover-title">
        <b>{title}</b>
        <span className="muted mono">{account.id}</span>
      </div>
      {!canStage && <p className="muted asg-popover-note">Connect to this instance to stage changes.</p>}
      {index.permissionSets.length === 0 ? (
        <p className="muted">This instance has no permission set.</p>
      ) : (
        <ul className="asg-ps-options">
          {index.permissionSets.map((ps) => {
            const s = assignmentState(index, staged, account.id, principal, ps.arn);
            const note =
              s.staged === "create"
                ? "pending add"
                : s.staged === "delete"
                  ? "pending removal"
                  : s.via.length > 0
                    ? `via group ${s.via.join(", ")}`
                    : null;
            return (
              <li key={ps.arn}>
                <label className={s.staged !== null ? `is-${s.staged}` : undefined}>
                  <input
                    type="checkbox"
                    checked={s.checked}
                    disabled={!canStage}
                    onChange={() => onToggle(ps.arn)}
                    data-testid={`ps-option-${ps.name}`}
                  />
                  <SetSwatch ps={ps} />
                  <span className="asg-ps-name">{ps.name}</span>
                  {note !== null && <span className="asg-ps-note">{note}</span>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
      <div className="asg-popover-actions">
        <button type="button" className="small" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}
