/**
 * `make bench` part 2: the assignments matrix at 3,000 accounts × 500 principals, timed in the
 * real webview (bench/README.md). Built into ui/dist as `bench/matrix.html`; needs no backend
 * (no IPC): the snapshot is `syntheticSnapshot`, and the page renders what the Assignments
 * page renders around it — the same shell and CSS, the real Toolbar, Legend, selection bar,
 * `MatrixView` (on `VirtualGrid`) and an empty PendingPanel — with the page's state and memos.
 *
 * Query parameters: `accounts`, `principals`, `sets`, `assignments` (default 3000, 500, 15,
 * 20000), `steps` (scroll steps per phase, default 120), `idle` (frames of the idle
 * baseline, default 60), `hold=1` (wait for
 * `window.__gatehouseBenchContinue()` after the first render, e.g. for a screenshot).
 *
 * What is measured (all times from `performance.now()`, ms):
 * - first render: from just before `root.render(…)` to
 *   - `commitMs`: the page's outermost `useLayoutEffect` (React committed the DOM),
 *   - `frameMs`: the first `requestAnimationFrame` callback after that commit (the frame that
 *     will draw it starts; style, layout and paint of the matrix come after),
 *   - `paintedMs` (the one checked against the target): a message posted from that callback,
 *     which runs once the frame's style, layout and paint are done.
 *   It includes building the index (`buildIndex`) and the rows/columns (`visibleAccounts`,
 *   `buildRows`, `visiblePrincipals`, …), also reported alone. Generating the synthetic
 *   snapshot is not included (in the app the snapshot comes from the backend); parsing it
 *   from JSON, as IPC does, is reported for information.
 * - scrolling: the grid's scroll container is moved one step per animation frame (vertical
 *   through the whole height, horizontal through the whole width, diagonal, then small
 *   wheel-like steps); every interval between consecutive `requestAnimationFrame` timestamps
 *   is a frame time. A step set in frame N scrolls (scroll event, virtualiser, React render)
 *   in frame N+1, so the chain runs two frames past the last step. Long tasks are recorded
 *   too where the engine supports the Long Tasks API.
 * Results: `window.__gatehouseBench` (`{ done: true, … }`, or `{ done: true, error }`).
 */
// First: React looks for this hook when react-dom loads.
import { reactCommits } from "./reactCommits";
import { StrictMode, useLayoutEffect, useMemo, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
// In the app's order: page styles (imported by the page registry), then the global ones.
import "../pages/assignments/assignments.css";
import "../styles.css";
import { MatrixView, type MatrixMode, type MatrixViewProps } from "../pages/assignments/MatrixView";
import {
  allOuIds,
  buildIndex,
  buildRows,
  filtersAccounts,
  indexStaged,
  NO_FILTER,
  permissionSetFilter,
  visibleAccounts,
  visiblePrincipals,
  type MatrixFilter,
  type MatrixIndex,
  type Pivot,
} from "../pages/assignments/model";
import { count, Legend } from "../pages/assignments/parts";
import { PendingPanel } from "../pages/assignments/PendingPanel";
import { NO_SELECTION, selectionTargets, targetMembership, type Selection } from "../pages/assignments/selection";
import { syntheticSnapshot } from "../pages/assignments/synthetic";
import { Toolbar } from "../pages/assignments/Toolbar";
import type { Snapshot, StagedChange } from "../backend/api";
import { frameStats, type FrameStats } from "./frameStats";

declare global {
  interface Window {
    __gatehouseBench?: Record<string, unknown>;
    __gatehouseBenchContinue?: () => void;
  }
}

const FRAME_LIMIT_MS = 50;
const FIRST_RENDER_LIMIT_MS = 300;

const params = new URLSearchParams(window.location.search);
function intParam(name: string, fallback: number): number {
  const v = Number.parseInt(params.get(name) ?? "", 10);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}
const SIZE = {
  accounts: intParam("accounts", 3000),
  principals: intParam("principals", 500),
  permissionSets: intParam("sets", 15),
  assignments: intParam("assignments", 20000),
};
const STEPS = Math.max(1, intParam("steps", 120));
/** Frames of the idle baseline (nothing scrolls): what the webview's frame clock gives here. */
const IDLE_FRAMES = Math.max(2, intParam("idle", 60));

/** Time spent in the page's memos during the first render (they run once in a production build). */
const memoMs: Record<string, number> = {};
function timed<T>(name: string, fn: () => T): T {
  const t = performance.now();
  const out = fn();
  memoMs[name] = (memoMs[name] ?? 0) + performance.now() - t;
  return out;
}

const marks: { start: number; commit: number | null; pageRender: number | null; workspaceRender: number | null; matrixRender: number | null } = {
  start: 0,
  commit: null,
  pageRender: null,
  workspaceRender: null,
  matrixRender: null,
};

/** MatrixView, marking when React gets to it (after the toolbar and legend, in tree order). */
function TimedMatrixView(props: MatrixViewProps) {
  marks.matrixRender ??= performance.now();
  return <MatrixView {...props} />;
}
let onCommitted: () => void = () => undefined;

function status(patch: Record<string, unknown>) {
  window.__gatehouseBench = { ...(window.__gatehouseBench ?? {}), ...patch };
}

const NO_CHANGES: StagedChange[] = [];

/** The Assignments page around the matrix, as `AssignmentsPage` lays it out for a snapshot. */
function BenchPage({ snapshot }: { snapshot: Snapshot }) {
  marks.pageRender ??= performance.now();
  const index = useMemo(() => timed("buildIndex", () => buildIndex(snapshot)), [snapshot]);
  useLayoutEffect(() => {
    marks.commit = performance.now();
    onCommitted();
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">Gatehouse</div>
        <div className="header-connection">
          <span className="muted">Benchmark: synthetic snapshot, no backend</span>
        </div>
      </header>
      <nav className="sidebar" aria-label="Pages" />
      <main id="main" className="app-main" tabIndex={-1}>
        <section className="page asg-page" aria-labelledby="asg-title" data-testid="assignments-page">
          <div className="page-header">
            <div className="asg-title">
              <h1 id="asg-title">Account assignments</h1>
              <p className="asg-meta muted">
                <span data-testid="snapshot-as-of">Synthetic</span> · {count(snapshot.accounts.length, "account")} ·{" "}
                {count(snapshot.groups.length, "group")} · {count(snapshot.users.length, "user")} ·{" "}
                {count(snapshot.permission_sets.length, "permission set")} · {count(snapshot.assignments.length, "assignment")}
              </p>
            </div>
            <div className="page-actions">
              <button type="button" disabled>
                Refresh
              </button>
            </div>
          </div>
          <div className="asg-body">
            <div className="asg-main">
              <Workspace index={index} />
            </div>
            <PendingPanel
              index={index}
              changes={NO_CHANGES}
              canApply={false}
              onUnstage={() => undefined}
              onClear={() => undefined}
              onReview={() => undefined}
              persistError={null}
            />
          </div>
        </section>
      </main>
    </div>
  );
}

/** `Workspace` of AssignmentsPage in the "By principal" pivot, without staging. */
function Workspace({ index }: { index: MatrixIndex }) {
  const [filter, setFilter] = useState<MatrixFilter>(NO_FILTER);
  const pivot: Pivot = "principal";
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);

  const visible = useMemo(() => timed("visibleAccounts", () => visibleAccounts(index, filter)), [index, filter]);
  const rows = useMemo(
    () => timed("buildRows", () => buildRows(index, visible, collapsed, filtersAccounts(filter))),
    [index, visible, collapsed, filter],
  );
  const columns = useMemo(() => timed("visiblePrincipals", () => visiblePrincipals(index, filter)), [index, filter]);
  const stagedIdx = useMemo(() => timed("indexStaged", () => indexStaged(NO_CHANGES)), []);
  const only = useMemo(() => permissionSetFilter(filter), [filter]);
  const targets = useMemo(
    () => timed("selectionTargets", () => selectionTargets(index, rows, columns, visible, selection)),
    [index, rows, columns, visible, selection],
  );
  const membership = useMemo(() => timed("targetMembership", () => targetMembership(targets)), [targets]);
  const mode = useMemo<MatrixMode>(() => ({ kind: "chips", only }), [only]);
  marks.workspaceRender ??= performance.now();

  const toggleCollapse = (ouId: string, collapse?: boolean) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (collapse ?? !prev.has(ouId)) next.add(ouId);
      else next.delete(ouId);
      return next;
    });

  return (
    <>
      <Toolbar
        index={index}
        filter={filter}
        onFilter={setFilter}
        pivot={pivot}
        onPivot={() => undefined}
        pivotPs={null}
        onPivotPs={() => undefined}
        pivotAccount={null}
        onPivotAccount={() => undefined}
        visible={visible}
      />
      <Legend
        sets={index.permissionSets}
        chosen={filter.permissionSetArns}
        onToggle={(arn) =>
          setFilter({
            ...filter,
            permissionSetArns: filter.permissionSetArns.includes(arn)
              ? filter.permissionSetArns.filter((a) => a !== arn)
              : [...filter.permissionSetArns, arn],
          })
        }
      />
      <div className="asg-selection" data-testid="selection-bar">
        <span className="asg-selection-text" role="status">
          Select: shift-click or drag cells, or click row and column headers.
        </span>
        <button type="button" className="small" disabled>
          Assign permission sets…
        </button>
        <button type="button" className="small" disabled>
          Remove…
        </button>
        <button type="button" className="small" disabled={selection.kind === "none"} onClick={() => setSelection(NO_SELECTION)}>
          Clear selection
        </button>
        <span className="asg-selection-spacer" />
        <button type="button" className="small" onClick={() => setCollapsed(new Set(allOuIds(index)))}>
          Collapse all
        </button>
        <button type="button" className="small" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
      </div>
      <TimedMatrixView
        index={index}
        rows={rows}
        columns={columns}
        staged={stagedIdx}
        mode={mode}
        selection={selection}
        onSelectionChange={setSelection}
        membership={membership}
        onToggleCollapse={toggleCollapse}
        onOpenCell={() => undefined}
        onToggle={() => undefined}
        canStage={false}
      />
    </>
  );
}

// ---- measurement -------------------------------------------------------------------------

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Resolves after the current task and the rendering steps queued before it (a posted message). */
function afterTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Phase extends FrameStats {
  name: string;
  steps: number;
  /** Pixels moved per step (vertical, horizontal). */
  stepPx: [number, number];
  /** Every frame interval, in order (ms). */
  intervals: number[];
  /**
   * Where a frame's time goes, medians over the phase (ms): `scrollJs` from the scroll event
   * (a capture listener, before the virtualiser's) to the frame's animation-frame callback —
   * the virtualiser and React; `render` from that callback to a message posted from it — the
   * frame's style, layout and paint on the main thread; `rest` what is left of the interval.
   */
  breakdown: { scrollJs: number; render: number; rest: number; commits: number };
  /** The same, frame by frame (`commits`: React commits between two frames). */
  perFrame: { scrollJs: number[]; render: number[]; rest: number[]; commits: number[] };
  /**
   * When the phase ran, wall clock (ms since the Unix epoch, `performance.timeOrigin` + now):
   * to line it up with a system profiler's samples (`perf record -k CLOCK_REALTIME`).
   */
  wallClock: { startMs: number; endMs: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : round1(s[Math.floor((s.length - 1) / 2)] as number);
};

/**
 * Moves `el` through `positions` (one per animation frame) and records every interval between
 * consecutive animation frames, until two frames after the last step. No positions: an idle
 * baseline of `idleFrames` frames.
 */
function scrollPhase(el: HTMLElement, name: string, positions: readonly [number, number][], idleFrames = 0): Promise<Phase> {
  return new Promise((resolve) => {
    const intervals: number[] = [];
    const scrollJs: number[] = [];
    const render: number[] = [];
    const rest: number[] = [];
    const commits: number[] = [];
    let commitsBefore = reactCommits.count;
    const frames = positions.length > 0 ? positions.length + 1 : idleFrames;
    const startMs = Math.round(performance.timeOrigin + performance.now());
    let i = 0;
    let last: number | null = null;
    let scrolledAt: number | null = null;
    let renderedAt: number | null = null;
    const onScroll = () => {
      scrolledAt ??= performance.now();
    };
    document.addEventListener("scroll", onScroll, { capture: true, passive: true });
    const frame = (ts: number) => {
      const now = performance.now();
      if (last !== null) {
        intervals.push(ts - last);
        if (renderedAt !== null) rest.push(now - renderedAt);
      }
      if (scrolledAt !== null) scrollJs.push(now - scrolledAt);
      if (last !== null) commits.push(reactCommits.count - commitsBefore);
      commitsBefore = reactCommits.count;
      scrolledAt = null;
      renderedAt = null;
      last = ts;
      const pos = positions[i];
      if (pos !== undefined) {
        el.scrollTop = pos[0];
        el.scrollLeft = pos[1];
      }
      i++;
      if (i <= frames) {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          renderedAt = performance.now();
          render.push(renderedAt - now);
        };
        ch.port2.postMessage(null);
        requestAnimationFrame(frame);
        return;
      }
      document.removeEventListener("scroll", onScroll, { capture: true });
      const first = positions[0] ?? [0, 0];
      const second = positions[1] ?? first;
      resolve({
        name,
        steps: positions.length,
        stepPx: [Math.round(second[0] - first[0]), Math.round(second[1] - first[1])],
        ...frameStats(intervals, FRAME_LIMIT_MS),
        intervals: intervals.map(round1),
        breakdown: { scrollJs: median(scrollJs), render: median(render), rest: median(rest), commits: median(commits) },
        perFrame: { scrollJs: scrollJs.map(round1), render: render.map(round1), rest: rest.map(round1), commits },
        wallClock: { startMs, endMs: Math.round(performance.timeOrigin + performance.now()) },
      });
    };
    requestAnimationFrame(frame);
  });
}

function line(from: [number, number], to: [number, number], steps: number): [number, number][] {
  return Array.from({ length: steps }, (_, k) => {
    const f = (k + 1) / steps;
    return [Math.round(from[0] + (to[0] - from[0]) * f), Math.round(from[1] + (to[1] - from[1]) * f)];
  });
}

/** Moves to a position outside any measurement and lets the grid settle (virtualiser's scrolling flag resets after 150 ms). */
async function settleAt(el: HTMLElement, top: number, left: number) {
  el.scrollTop = top;
  el.scrollLeft = left;
  await nextFrame();
  await nextFrame();
  await sleep(400);
}

function domCounts(grid: HTMLElement) {
  return {
    nodes: grid.getElementsByTagName("*").length,
    rows: grid.querySelectorAll(".vgrid-row").length,
    columnHeaders: grid.querySelectorAll(".mx-colhead").length,
    cells: grid.querySelectorAll(".mx-cell").length,
    cellsWithChips: grid.querySelectorAll(".mx-cell[data-chips]:not([data-chips='0'])").length,
    chips: grid.querySelectorAll(".mx-cell .ps-chip").length,
  };
}

interface Rendered {
  root: Root;
  grid: HTMLElement;
  result: Record<string, unknown> & { paintedMs: number; pass: boolean };
}

/** Renders the page for `snapshot` into `container` and times it (see the header). */
async function measureRender(container: HTMLElement, snapshot: Snapshot): Promise<Rendered> {
  marks.commit = marks.pageRender = marks.workspaceRender = marks.matrixRender = null;
  for (const k of Object.keys(memoMs)) delete memoMs[k];
  const commitsBefore = reactCommits.count;
  const committed = new Promise<void>((resolve) => {
    onCommitted = resolve;
  });
  marks.start = performance.now();
  const root = createRoot(container);
  root.render(
    <StrictMode>
      <BenchPage snapshot={snapshot} />
    </StrictMode>,
  );
  await committed;
  const commit = marks.commit ?? performance.now();
  await nextFrame();
  const frame = performance.now();
  const grid = document.querySelector<HTMLElement>("[data-testid='matrix']");
  const atFrame = grid === null ? null : domCounts(grid);
  await afterTask();
  const painted = performance.now();
  if (grid === null) throw new Error("the matrix did not render (no [data-testid=matrix])");

  const since = (t: number | null) => (t === null ? null : round1(t - marks.start));
  const paintedMs = round1(painted - marks.start);
  return {
    root,
    grid,
    result: {
      /** Until React calls the page component (React's scheduling). */
      pageRenderStartMs: since(marks.pageRender),
      /** Until the workspace's memos (rows, columns, selection) are done, after the index. */
      workspaceRenderStartMs: since(marks.workspaceRender),
      /** Until React gets to MatrixView (after the toolbar and legend). */
      matrixRenderStartMs: since(marks.matrixRender),
      commitMs: round1(commit - marks.start),
      /** React commits up to the first frame (layout effects may render again at once). */
      reactCommits: reactCommits.count - commitsBefore,
      frameMs: round1(frame - marks.start),
      paintedMs,
      memoMs: Object.fromEntries(Object.entries(memoMs).map(([k, v]) => [k, round1(v)])),
      /** buildIndex + rows/columns: the data work inside the first render. */
      dataMs: round1(Object.values(memoMs).reduce((sum, v) => sum + v, 0)),
      limitMs: FIRST_RENDER_LIMIT_MS,
      pass: paintedMs <= FIRST_RENDER_LIMIT_MS,
      domAtFirstFrame: atFrame,
    },
  };
}

async function run() {
  status({ done: false, stage: "generating", size: SIZE, steps: STEPS });
  const longtasks: { startMs: number; durationMs: number }[] = [];
  const longtaskSupported = typeof PerformanceObserver !== "undefined" && (PerformanceObserver.supportedEntryTypes ?? []).includes("longtask");
  if (longtaskSupported) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longtasks.push({ startMs: round1(e.startTime), durationMs: round1(e.duration) });
    }).observe({ type: "longtask", buffered: true });
  }

  let t = performance.now();
  // The snapshot arrives from the backend as JSON: parse it the same way, and render that copy
  // (the generated one is not kept: the heap holds what the app's would).
  const json = JSON.stringify(syntheticSnapshot(SIZE.accounts, SIZE.principals, SIZE.permissionSets, SIZE.assignments));
  const generateMs = performance.now() - t;
  t = performance.now();
  const snapshot = JSON.parse(json) as Snapshot;
  const jsonParseMs = performance.now() - t;

  // Let the generation's garbage and the page's own load settle before timing.
  await sleep(300);
  await nextFrame();
  status({ stage: "rendering" });

  const container = document.getElementById("root");
  if (container === null) throw new Error("bench/matrix.html has no #root element");
  const first = await measureRender(container, snapshot);
  const { grid, result: firstRender } = first;
  const gridBox = { clientWidth: grid.clientWidth, clientHeight: grid.clientHeight, scrollWidth: grid.scrollWidth, scrollHeight: grid.scrollHeight };
  status({ stage: "rendered", firstRender, grid: gridBox });

  if (params.get("hold") === "1") {
    await new Promise<void>((resolve) => {
      window.__gatehouseBenchContinue = resolve;
    });
  }
  await sleep(500);

  const maxTop = grid.scrollHeight - grid.clientHeight;
  const maxLeft = grid.scrollWidth - grid.clientWidth;
  const phases: Phase[] = [];
  status({ stage: "idle baseline" });
  await settleAt(grid, 0, 0);
  const idle = await scrollPhase(grid, "idle", [], IDLE_FRAMES);
  status({ stage: "scrolling vertical" });
  await settleAt(grid, 0, 0);
  phases.push(await scrollPhase(grid, "vertical", line([0, 0], [maxTop, 0], STEPS)));
  status({ stage: "scrolling horizontal" });
  await settleAt(grid, 0, 0);
  phases.push(await scrollPhase(grid, "horizontal", line([0, 0], [0, maxLeft], STEPS)));
  status({ stage: "scrolling diagonal" });
  await settleAt(grid, 0, 0);
  phases.push(await scrollPhase(grid, "diagonal", line([0, 0], [maxTop, maxLeft], STEPS)));
  // A fast mouse wheel: three rows and one column per frame, from the middle.
  status({ stage: "scrolling wheel" });
  const mid: [number, number] = [Math.round(maxTop / 2), Math.round(maxLeft / 2)];
  await settleAt(grid, mid[0], mid[1]);
  phases.push(await scrollPhase(grid, "wheel", line(mid, [mid[0] + 90 * STEPS, mid[1] + 124 * Math.round(STEPS / 4)], STEPS)));

  const domAfterScroll = domCounts(grid);
  // Informational: the page unmounted and mounted again on a fresh copy of the snapshot (the
  // code warm, the heap grown by the scrolling), as when the admin comes back to the page.
  status({ stage: "warm render" });
  first.root.unmount();
  await sleep(300);
  const again = await measureRender(container, JSON.parse(json) as Snapshot);
  const warmRender = again.result;
  await sleep(300);

  // Leave a view worth a screenshot: some way in, both ways.
  await settleAt(again.grid, Math.round(maxTop * 0.37), Math.round(maxLeft * 0.21));
  const all = frameStats(
    phases.flatMap((p) => p.intervals),
    FRAME_LIMIT_MS,
  );
  status({
    done: true,
    stage: "done",
    size: SIZE,
    data: {
      // aria-rowcount/colcount count the header row and the row-header column.
      rows: Number(grid.getAttribute("aria-rowcount")) - 1,
      columns: Number(grid.getAttribute("aria-colcount")) - 1,
      accounts: snapshot.accounts.length,
      ous: snapshot.ous.length,
      principals: snapshot.groups.length + snapshot.users.length,
      assignments: snapshot.assignments.length,
      snapshotJsonBytes: json.length,
    },
    /** Generating and serialising the synthetic snapshot; parsing it (as IPC does). Not in the first render. */
    prepare: { generateMs: round1(generateMs), jsonParseMs: round1(jsonParseMs) },
    firstRender,
    warmRender,
    scroll: { phases, all, pass: all.over === 0, limitMs: FRAME_LIMIT_MS, idle },
    domAfterScroll,
    longtasks: { supported: longtaskSupported, entries: longtaskSupported ? longtasks : null },
    env: {
      userAgent: navigator.userAgent,
      devicePixelRatio: window.devicePixelRatio,
      viewport: [window.innerWidth, window.innerHeight],
      hardwareConcurrency: navigator.hardwareConcurrency,
      grid: gridBox,
    },
  });
}

run().catch((e: unknown) => {
  status({ done: true, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e) });
});
