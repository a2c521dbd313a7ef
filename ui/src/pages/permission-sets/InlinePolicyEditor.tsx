import { json } from "@codemirror/lang-json";
import { syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { classHighlighter } from "@lezer/highlight";
import { basicSetup, EditorView } from "codemirror";
import { useEffect, useImperativeHandle, useLayoutEffect, useRef, type Ref } from "react";
import type { PolicyProblem } from "../../backend/api";
import { offsetOf, toDiagnostics } from "./diagnostics";

declare global {
  interface Window {
    /**
     * Replaces the inline policy text while the editor is shown (for end-to-end tests, which
     * cannot type into CodeMirror reliably). Undefined when no editor is mounted.
     */
    __gatehouseSetInlinePolicy?: (text: string) => void;
  }
}

export interface PolicyEditorHandle {
  /** Moves the cursor to a 1-based line and column and focuses the editor. */
  goTo: (line: number, column: number) => void;
  focus: () => void;
}

/** Colours from the app's tokens, so the editor follows the light and dark themes. */
const theme = EditorView.theme({
  "&": {
    backgroundColor: "var(--surface)",
    color: "var(--text)",
    border: "1px solid var(--border-strong)",
    borderRadius: "var(--radius)",
    fontSize: "12px",
  },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5", minHeight: "180px", maxHeight: "420px" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": {
    backgroundColor: "var(--surface-2)",
    color: "var(--text-faint)",
    borderRight: "1px solid var(--border)",
    borderTopLeftRadius: "var(--radius)",
    borderBottomLeftRadius: "var(--radius)",
  },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent-soft) 45%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--surface-hover)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--accent-soft)",
  },
  ".cm-tooltip": {
    backgroundColor: "var(--surface)",
    color: "var(--text)",
    border: "1px solid var(--border-strong)",
  },
  ".cm-placeholder": { color: "var(--text-faint)" },
});

/**
 * The inline policy in a CodeMirror 6 JSON editor. The text is the parent's (`value` /
 * `onChange`); the backend's problems are shown as lint diagnostics, but only while the text
 * is the one they were found in (`problemsText`), so a marker never points at the wrong place.
 */
export function InlinePolicyEditor({
  value,
  onChange,
  problems,
  problemsText,
  label,
  describedBy,
  testId,
  ref,
}: {
  value: string;
  onChange: (text: string) => void;
  /** The backend's problems with `problemsText` (null: not checked yet). */
  problems: readonly PolicyProblem[] | null;
  problemsText: string | null;
  label: string;
  describedBy?: string;
  testId?: string;
  ref?: Ref<PolicyEditorHandle>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  // The editor is created once; later values are pushed into it (see below). A layout effect:
  // the test hook exists as soon as the wrapper element does.
  const initial = useRef(value);
  const labels = useRef({ label, describedBy });
  useLayoutEffect(() => {
    const parent = host.current;
    if (parent === null) return;
    const attributes: Record<string, string> = { "aria-label": labels.current.label };
    if (labels.current.describedBy !== undefined) attributes["aria-describedby"] = labels.current.describedBy;
    const v = new EditorView({
      doc: initial.current,
      parent,
      extensions: [
        basicSetup,
        json(),
        syntaxHighlighting(classHighlighter),
        lintGutter(),
        theme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of(attributes),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChangeRef.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = v;
    const setText = (text: string) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
    window.__gatehouseSetInlinePolicy = setText;
    return () => {
      if (window.__gatehouseSetInlinePolicy === setText) delete window.__gatehouseSetInlinePolicy;
      view.current = null;
      v.destroy();
    };
  }, []);

  // A value set from outside (a template, "Discard changes", the set re-read after a save).
  useEffect(() => {
    const v = view.current;
    if (v === null || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  // The diagnostics, when they are about the text in the editor.
  useEffect(() => {
    const v = view.current;
    if (v === null || problemsText === null) return;
    const text = v.state.doc.toString();
    if (problemsText === "" && text.trim() === "") {
      v.dispatch(setDiagnostics(v.state, []));
    } else if (problemsText === text) {
      v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state.doc, problems ?? [])));
    }
  }, [problems, problemsText, value]);

  useImperativeHandle(
    ref,
    () => ({
      goTo: (line, column) => {
        const v = view.current;
        if (v === null) return;
        const pos = offsetOf(v.state.doc, line, column);
        v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
        v.focus();
      },
      focus: () => view.current?.focus(),
    }),
    [],
  );

  return <div ref={host} className="policy-editor" data-testid={testId} />;
}
