import { useId, useRef, useState } from "react";
import type { ImportedDocument } from "../../backend/api";
import { ErrorCallout } from "../../components/ErrorCallout";
import { Spinner } from "../../components/Spinner";
import { SLOT_NAMES } from "./federation";
import { importErrorTitle } from "./format";
import type { SlotImport } from "./importing";

/**
 * Where a metadata document comes in: dropped on the zone, chosen in the native picker, or
 * pasted. With a document already imported it shrinks to a strip for replacing it.
 */
export function ImportZone({
  imp,
  doc,
  dragging,
  dropHere,
}: {
  imp: SlotImport;
  doc: ImportedDocument | null;
  /** Files are being dragged over the window. */
  dragging: boolean;
  /** …and dropping them now would import them here. */
  dropHere: boolean;
}) {
  const { slot, mutation } = imp;
  const names = SLOT_NAMES[slot];
  const ids = useId();
  const [pasteOpen, setPasteOpen] = useState(false);
  const [text, setText] = useState("");
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const busy = mutation.isPending;
  const error = mutation.error;
  const pastedFailed = mutation.variables?.kind === "text";

  const togglePaste = () => {
    const open = !pasteOpen;
    setPasteOpen(open);
    // Focus once the box is rendered.
    if (open) window.setTimeout(() => textareaRef.current?.focus(), 0);
  };

  const importText = () => {
    mutation.mutate(
      { kind: "text", text },
      {
        onSuccess: () => {
          setText("");
          setPasteOpen(false);
        },
      },
    );
  };

  const classes = ["import-zone", doc !== null ? "import-zone-compact" : "", dragging ? "import-zone-dragging" : "", dropHere ? "import-zone-target" : ""]
    .filter((c) => c !== "")
    .join(" ");

  return (
    <div className="import-zone-wrap">
      <div
        className={classes}
        data-testid={`import-${slot}`}
        data-drop-slot={slot}
        data-drop-target={dropHere || undefined}
        role="group"
        aria-labelledby={`${ids}-label`}
        aria-busy={busy || undefined}
      >
        <div className="import-zone-row">
          <span id={`${ids}-label`} className="import-zone-label">
            {dropHere ? (
              <strong>Drop to import the {names.document}</strong>
            ) : doc !== null ? (
              <>Replace it: drop another file here, or</>
            ) : (
              <>
                Drop the <strong>{names.document}</strong> here, or
              </>
            )}
          </span>
          <button type="button" className="small" data-testid={`choose-file-${slot}`} onClick={() => void imp.choose()} disabled={busy}>
            Choose file…
          </button>
          <button
            type="button"
            className="small"
            data-testid={`paste-toggle-${slot}`}
            aria-expanded={pasteOpen}
            aria-controls={`${ids}-paste`}
            onClick={togglePaste}
          >
            Paste XML
          </button>
          {busy && (
            <span className="muted" role="status">
              <Spinner /> Importing…
            </span>
          )}
        </div>
        {pasteOpen && (
          <div className="paste-box" id={`${ids}-paste`}>
            <label htmlFor={`${ids}-textarea`}>Paste the {names.document}</label>
            <textarea
              id={`${ids}-textarea`}
              ref={textareaRef}
              data-testid={`paste-${slot}`}
              className="mono"
              rows={6}
              spellCheck={false}
              autoComplete="off"
              placeholder='<?xml version="1.0" encoding="utf-8"?><EntityDescriptor …'
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && text !== "" && !busy) {
                  e.preventDefault();
                  importText();
                }
              }}
            />
            <div className="row">
              <button
                type="button"
                className="primary small"
                data-testid={`paste-import-${slot}`}
                onClick={importText}
                disabled={text === "" || busy}
              >
                Import
              </button>
              <button
                type="button"
                className="small"
                onClick={() => {
                  setPasteOpen(false);
                  setText("");
                }}
              >
                Cancel
              </button>
              <span className="field-hint">Ctrl+Enter imports.</span>
            </div>
          </div>
        )}
      </div>
      {error !== null && !busy && (
        <ErrorCallout error={error} title={importErrorTitle(error.detail, pastedFailed)} testId={`import-error-${slot}`}>
          {doc !== null && <p className="muted">The document imported earlier is kept.</p>}
        </ErrorCallout>
      )}
      {imp.pickError !== null && <ErrorCallout error={imp.pickError} title="Could not open the file picker" />}
    </div>
  );
}
