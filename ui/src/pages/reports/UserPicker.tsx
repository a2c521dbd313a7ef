/**
 * The report's user filter: a combobox (ARIA 1.2 pattern) over the Identity Store's users that
 * matches user name, display name and email as the admin types. Choosing a user (click, Enter,
 * or typing the exact user name) filters the report to that user's direct and group access.
 */
import { useId, useMemo, useState, type KeyboardEvent } from "react";
import { exactUser, matchUsers, type UserOption } from "./model";

export function UserPicker({
  options,
  value,
  onChange,
}: {
  options: readonly UserOption[];
  /** The chosen user's id. */
  value: string | null;
  onChange: (userId: string | null) => void;
}) {
  const id = useId();
  const chosen = value !== null ? (options.find((o) => o.id === value) ?? null) : null;
  const [text, setText] = useState(chosen?.userName ?? "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // The filter was cleared or set elsewhere (e.g. "Clear filters"): the box follows.
  const [shownFor, setShownFor] = useState(value);
  if (shownFor !== value) {
    setShownFor(value);
    setText(chosen?.userName ?? "");
  }
  const matches = useMemo(() => (open ? matchUsers(options, text) : []), [open, options, text]);
  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-opt-${i}`;

  const choose = (o: UserOption | null) => {
    setText(o?.userName ?? "");
    setOpen(false);
    setShownFor(o?.id ?? null);
    onChange(o?.id ?? null);
  };

  const type = (next: string) => {
    setText(next);
    setOpen(true);
    setActive(0);
    // The box is the filter: an exact user name chooses that user, anything else none.
    const exact = exactUser(options, next);
    const nextId = exact?.id ?? null;
    if (nextId !== value) {
      setShownFor(nextId);
      onChange(nextId);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive((a) => Math.min(a + 1, Math.max(0, matches.length - 1)));
        break;
      case "ArrowUp":
        e.preventDefault();
        setActive((a) => Math.max(0, a - 1));
        break;
      case "Enter": {
        if (!open) return;
        e.preventDefault();
        const o = matches[active] ?? exactUser(options, text);
        if (o !== undefined && o !== null) choose(o);
        break;
      }
      case "Escape":
        if (open) {
          e.preventDefault();
          setOpen(false);
        } else if (text !== "") {
          e.preventDefault();
          choose(null);
        }
        break;
    }
  };

  const expanded = open && text.trim() !== "";
  return (
    <div className="report-user-picker">
      <label htmlFor={`${id}-input`}>User</label>
      <div className="report-combobox">
        <input
          id={`${id}-input`}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && matches.length > 0 ? optionId(active) : undefined}
          data-testid="report-filter-user"
          data-user-id={value ?? ""}
          placeholder="Type a user name or email"
          value={text}
          onChange={(e) => type(e.target.value)}
          onKeyDown={onKeyDown}
          onFocus={() => text !== "" && chosen === null && setOpen(true)}
          onBlur={() => setOpen(false)}
          autoComplete="off"
          spellCheck={false}
        />
        {text !== "" && (
          <button type="button" className="icon-button report-clear" aria-label="Clear the user filter" onClick={() => choose(null)}>
            ×
          </button>
        )}
        <ul id={listId} role="listbox" aria-label="Users" className="report-listbox" hidden={!expanded}>
          {expanded &&
            matches.map((o, i) => (
              <li
                key={o.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={i === active ? "report-option active" : "report-option"}
                data-testid="report-user-option"
                // Keep the focus in the box: the click chooses.
                onMouseDown={(e) => e.preventDefault()}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(o)}
              >
                <span className="report-option-name">{o.userName}</span>
                {o.detail !== "" && <span className="muted report-option-detail">{o.detail}</span>}
              </li>
            ))}
          {expanded && matches.length === 0 && (
            <li role="option" aria-selected={false} aria-disabled="true" className="report-option muted">
              No user matches “{text.trim()}”
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
