/**
 * Placing the backend's policy problems (1-based line and column, in characters) in the
 * editor's document (UTF-16 offsets) as CodeMirror lint diagnostics.
 */
import type { Diagnostic } from "@codemirror/lint";
import type { PolicyProblem } from "../../backend/api";

/** The part of CodeMirror's `Text` used here (so this stays testable without an editor). */
export interface DocLike {
  readonly lines: number;
  readonly length: number;
  line(n: number): { from: number; to: number; text: string };
}

/** A document made from a string, with CodeMirror's line numbering (for tests and lists). */
export function docOf(text: string): DocLike {
  const lines: { from: number; text: string }[] = [];
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
    lines.push({ from: start, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  lines.push({ from: start, text: text.slice(start) });
  return {
    lines: lines.length,
    length: text.length,
    line(n) {
      const l = lines[Math.min(Math.max(n, 1), lines.length) - 1] ?? { from: 0, text: "" };
      return { from: l.from, to: l.from + l.text.length, text: l.text };
    },
  };
}

/** The offset of 1-based `line`/`column` (a column counts characters, not UTF-16 units). */
export function offsetOf(doc: DocLike, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const prefix = Array.from(l.text).slice(0, Math.max(0, column - 1)).join("");
  return l.from + Math.min(prefix.length, l.text.length);
}

/** A JSON token starting at the start of `rest`: a string, a word/number, or one character. */
const TOKEN = /^("(?:[^"\\]|\\.)*"?|[^\s,:[\]{}"]+|\S)/;

/** One diagnostic per problem, covering the token the problem points at. */
export function toDiagnostics(doc: DocLike, problems: readonly PolicyProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const from = offsetOf(doc, p.line, p.column);
    const line = doc.line(Math.min(Math.max(p.line, 1), doc.lines));
    const rest = line.text.slice(from - line.from);
    const token = TOKEN.exec(rest)?.[0] ?? "";
    const to = Math.min(line.to, from + token.length);
    const diagnostic: Diagnostic = { from, to, severity: p.severity, message: p.message };
    if (p.pointer !== "") diagnostic.source = p.pointer;
    return diagnostic;
  });
}
