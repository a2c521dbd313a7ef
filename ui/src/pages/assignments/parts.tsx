/** Small pieces of the assignments page: permission set chips, the legend, a modal dialog shell. */
import { useEffect, useRef, type ReactNode } from "react";
import type { Chip, ChipState, PermissionSetInfo } from "./model";
import { chipTitle } from "./model";

const MARK: Record<ChipState, string> = { assigned: "", added: "+", removed: "−", inherited: "" };

/** One permission set in a cell: colour by set, drawn by state (see `ChipState`). Decorative: the cell has the words. */
export function PsChip({ chip }: { chip: Chip }) {
  return (
    <span className={`ps-chip ps-c${chip.ps.colour} ps-chip-${chip.state}`} title={chipTitle(chip)} aria-hidden="true">
      {MARK[chip.state] + chip.ps.short}
    </span>
  );
}

/** A chip for a set alone (legend, pickers). */
export function SetSwatch({ ps }: { ps: PermissionSetInfo }) {
  return (
    <span className={`ps-chip ps-c${ps.colour} ps-chip-assigned`} aria-hidden="true">
      {ps.short}
    </span>
  );
}

/** Larger legends start folded (the summary line opens them). */
const LEGEND_OPEN_UP_TO = 16;

/**
 * Which chip is which set, and how chips are drawn. A set's entry toggles it in the permission
 * set filter (pressed: only the pressed sets' chips are shown).
 */
export function Legend({
  sets,
  chosen,
  onToggle,
}: {
  sets: readonly PermissionSetInfo[];
  chosen: readonly string[];
  onToggle: (arn: string) => void;
}) {
  return (
    <details className="asg-legend" data-testid="legend" open={sets.length <= LEGEND_OPEN_UP_TO}>
      <summary>
        Legend: {count(sets.length, "permission set")}
        {chosen.length > 0 ? `, ${chosen.length} shown` : ""}
      </summary>
      <ul className="asg-legend-sets" aria-label="Permission sets (press to show only the pressed ones)">
        {sets.map((ps) => (
          <li key={ps.arn}>
            <button
              type="button"
              className="asg-legend-item"
              aria-pressed={chosen.includes(ps.arn)}
              onClick={() => onToggle(ps.arn)}
              title={ps.description ?? ps.name}
              data-testid={`legend-${ps.name}`}
            >
              <SetSwatch ps={ps} />
              <span>{ps.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="asg-legend-states muted">
        <span className="ps-chip ps-c0 ps-chip-assigned" aria-hidden="true">
          Set
        </span>{" "}
        assigned ·{" "}
        <span className="ps-chip ps-c0 ps-chip-added" aria-hidden="true">
          +Set
        </span>{" "}
        pending add ·{" "}
        <span className="ps-chip ps-c0 ps-chip-removed" aria-hidden="true">
          −Set
        </span>{" "}
        pending removal ·{" "}
        <span className="ps-chip ps-c0 ps-chip-inherited" aria-hidden="true">
          Set
        </span>{" "}
        a user&rsquo;s access through a group
      </p>
    </details>
  );
}

/**
 * A modal dialog: focus moves in on open (to `initialFocus` or the first control) and back on
 * close; Escape and the backdrop close it.
 */
export function Modal({
  title,
  onClose,
  children,
  footer,
  testId,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = ref.current?.querySelector<HTMLElement>("[data-autofocus], input, button, select, textarea");
    (first ?? ref.current)?.focus();
    return () => opener?.focus({ preventScroll: true });
  }, []);
  return (
    <div
      className="asg-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCloseRef.current();
      }}
    >
      <div
        ref={ref}
        className={`asg-modal panel${wide ? " asg-modal-wide" : ""}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCloseRef.current();
          }
        }}
      >
        <h2>{title}</h2>
        <div className="asg-modal-body">{children}</div>
        {footer !== undefined && <div className="asg-modal-footer">{footer}</div>}
      </div>
    </div>
  );
}

/** "1 account", "3 accounts". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
