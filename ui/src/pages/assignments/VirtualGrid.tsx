/**
 * A two-way virtualised ARIA grid with a sticky header row and a sticky first column, for the
 * matrix and its pivots (3,000 rows × 500 columns stay smooth: only what is on screen, plus
 * the focused cell, is in the DOM). It owns the layout and keyboard movement (arrows, Home/End,
 * Page Up/Down, Ctrl+Home/End; one cell in the tab order); the caller renders the cells and
 * decides what Enter/Space, Shift+arrows and Escape do.
 *
 * Positions: row -1 is the header row, column -1 the row headers. A "full" row (an OU header)
 * has only its row header; focus on it sits there, remembering the column for the next move.
 *
 * Scrolling is what it is built for (bench/README.md, part 2): each scroll event renders once,
 * synchronously, for both axes; rows and cells are memoised and their elements recycled (see
 * `assignSlots`), so a frame updates only what came into view, in place; while scrolling, the
 * overscan is only ahead (see `directional`); and cells carry no handlers of their own (focus
 * and pointer events are handled once, on the grid).
 */
import { defaultRangeExtractor, useVirtualizer, type Range, type Virtualizer } from "@tanstack/react-virtual";
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useReducer,
  useRef,
  type CSSProperties,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type PointerEvent as ReactPointerEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { flushSync } from "react-dom";
import type { CellPos } from "./selection";

/** What every rendered cell must spread onto its element (tab stop, position, ARIA indexes). */
export interface NavProps {
  tabIndex: number;
  "data-r": number;
  "data-c": number;
  "aria-colindex": number;
  style: CSSProperties;
}

export interface VirtualGridProps {
  label: string;
  testId?: string;
  rowCount: number;
  colCount: number;
  rowHeight: number;
  colWidth: number;
  headerHeight: number;
  rowHeaderWidth: number;
  active: CellPos;
  onActiveChange: (pos: CellPos) => void;
  /** Row keys (stable across collapse/filter): a row keeps its elements while it stays rendered. */
  rowKey: (row: number) => string;
  colKey: (col: number) => string;
  renderCorner: (nav: NavProps) => ReactNode;
  renderColumnHeader: (col: number, nav: NavProps) => ReactNode;
  renderRowHeader: (row: number, nav: NavProps) => ReactNode;
  renderCell: (row: number, col: number, nav: NavProps) => ReactNode;
  /** Rows with no cells (OU headers): the row header spans the width. */
  isFullRow?: (row: number) => boolean;
  /** Extra props for a row element (class, selection state). */
  rowProps?: (row: number) => { className?: string; "aria-selected"?: boolean; "aria-expanded"?: boolean };
  /** Enter or Space on a position; `el` is the focused element (to anchor a menu). */
  onActivate?: (pos: CellPos, key: "Enter" | " ", el: HTMLElement) => void;
  /** Shift+arrow from one cell to another. */
  onExtend?: (from: CellPos, to: CellPos) => void;
  /** Left/Right on a full row: collapse/expand it. */
  onExpand?: (row: number, expand: boolean) => void;
  onEscape?: () => void;
  /**
   * Pointer events on cells (not headers), handled on the grid for all of them: a pointer
   * pressed on a cell; the pointer coming onto a cell (also when the cell under a resting
   * pointer changes); a click on a cell (`el`: the cell's element).
   */
  onCellPointerDown?: (pos: CellPos, e: ReactPointerEvent<HTMLElement>) => void;
  onCellPointerEnter?: (pos: CellPos, e: ReactPointerEvent<HTMLElement>) => void;
  onCellClick?: (pos: CellPos, el: HTMLElement) => void;
  /** Lets the caller focus the active cell again (after a menu closes). */
  focusRef?: RefObject<(() => void) | null>;
  className?: string;
}

function clamp(n: number, lo: number, hi: number) {
  return Math.max(lo, Math.min(hi, n));
}

type ScrollDirection = "forward" | "backward" | null;

/**
 * The rendered range: the visible items and the overscan, plus one index kept rendered (the
 * focused row/column). While scrolling, the overscan is only ahead, in the direction of
 * scrolling, and one item behind (as react-window does): ahead is what a compositor scrolling
 * on its own may show before the next render; behind is leaving the screen. At rest, both ways.
 */
function rangeKeeping(index: number, direction: ScrollDirection) {
  return (range: Range) => {
    const list = direction === null ? defaultRangeExtractor(range) : directional(range, direction);
    if (index < 0 || index >= range.count || list.includes(index)) return list;
    return [...list, index].sort((a, b) => a - b);
  };
}

function directional(range: Range, direction: "forward" | "backward"): number[] {
  const before = direction === "backward" ? range.overscan : Math.min(1, range.overscan);
  const after = direction === "forward" ? range.overscan : Math.min(1, range.overscan);
  const start = Math.max(range.startIndex - before, 0);
  const end = Math.min(range.endIndex + after, range.count - 1);
  const out: number[] = [];
  for (let i = start; i <= end; i++) out.push(i);
  return out;
}

/**
 * React keys that recycle the elements of a virtual list: an item (by its key) keeps its slot
 * while it stays rendered, and an item coming into view takes the slot of one that left (the
 * lowest free slot). Rendered in index order, so the DOM keeps the visual order (what the
 * accessibility tree reads): a jump past everything rendered (a scrollbar drag, Page Down, a
 * fling) updates every row and cell in place instead of removing them all and creating new
 * ones, and a small scroll moves only the rows that came into view to their place.
 */
export function assignSlots(prev: ReadonlyMap<string, number>, keys: readonly string[]): Map<string, number> {
  const next = new Map<string, number>();
  const used = new Set<number>();
  for (const key of keys) {
    const slot = prev.get(key);
    if (slot !== undefined && !used.has(slot)) {
      next.set(key, slot);
      used.add(slot);
    }
  }
  let free = 0;
  for (const key of keys) {
    if (next.has(key)) continue;
    while (used.has(free)) free++;
    next.set(key, free);
    used.add(free);
  }
  return next;
}

/** Slots for `keys` (see `assignSlots`), from those of the last commit. */
function useSlots(keys: readonly string[]): ReadonlyMap<string, number> {
  const committed = useRef<ReadonlyMap<string, number>>(new Map());
  const slots = assignSlots(committed.current, keys);
  useLayoutEffect(() => {
    committed.current = slots;
  });
  return slots;
}

/** A rendered column: its index, the React key it is rendered under, and its cells' style. */
interface GridColumn {
  index: number;
  key: number;
  start: number;
  size: number;
  style: CSSProperties;
}

/**
 * The columns, reusing the previous objects (and the previous array while nothing changed):
 * a cell whose column did not change is then not rendered again.
 */
function useStableColumns(next: GridColumn[]): GridColumn[] {
  const held = useRef<GridColumn[]>(next);
  const prev = held.current;
  const byKey = new Map(prev.map((c) => [c.key, c]));
  let changed = prev.length !== next.length;
  const out = next.map((n, i) => {
    const c = byKey.get(n.key);
    const same = c !== undefined && c.index === n.index && c.start === n.start && c.size === n.size;
    if (!same || prev[i] !== c) changed = true;
    return same ? c : n;
  });
  const result = changed ? out : prev;
  useLayoutEffect(() => {
    held.current = result;
  });
  return result;
}

/** The grid position of a cell element (`data-r`/`data-c`) at or around `target`, within `grid`. */
function cellOf(grid: HTMLElement | null, target: EventTarget | null): { pos: CellPos; el: HTMLElement } | null {
  if (grid === null || !(target instanceof Element)) return null;
  const el = target.closest<HTMLElement>("[data-r][data-c]");
  if (el === null || !grid.contains(el)) return null;
  return { pos: { row: Number(el.dataset.r), col: Number(el.dataset.c) }, el };
}

export function VirtualGrid(props: VirtualGridProps) {
  const {
    rowCount,
    colCount,
    rowHeight,
    colWidth,
    headerHeight,
    rowHeaderWidth,
    active: wanted,
    onActiveChange,
    isFullRow,
  } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const active: CellPos = { row: clamp(wanted.row, -1, rowCount - 1), col: clamp(wanted.col, -1, colCount - 1) };
  const focusCol = (row: number, col: number) => (row >= 0 && isFullRow?.(row) === true ? -1 : col);

  // The direction each virtualiser read from the scroll event this render follows (the
  // instances persist across renders).
  const rowsRef = useRef<Virtualizer<HTMLDivElement, Element> | null>(null);
  const colsRef = useRef<Virtualizer<HTMLDivElement, Element> | null>(null);
  const rowDirection = rowsRef.current?.scrollDirection ?? null;
  const colDirection = colsRef.current?.scrollDirection ?? null;
  // Stable while the active row/column and the direction stay: the virtualizer then keeps its
  // item arrays, and rows that did not change are not rendered again while scrolling.
  const rowRange = useCallback((range: Range) => rangeKeeping(active.row, rowDirection)(range), [active.row, rowDirection]);
  const colRange = useCallback((range: Range) => rangeKeeping(active.col, colDirection)(range), [active.col, colDirection]);

  const rows = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    paddingStart: headerHeight,
    scrollPaddingStart: headerHeight,
    overscan: 6,
    rangeExtractor: rowRange,
    initialRect: { width: 1200, height: 700 },
    useFlushSync: false,
  });
  const cols = useVirtualizer({
    horizontal: true,
    count: colCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => colWidth,
    paddingStart: rowHeaderWidth,
    scrollPaddingStart: rowHeaderWidth,
    overscan: 3,
    rangeExtractor: colRange,
    initialRect: { width: 1200, height: 700 },
    useFlushSync: false,
  });
  useLayoutEffect(() => {
    rowsRef.current = rows;
    colsRef.current = cols;
  });
  // Scrolling renders once per scroll event, synchronously (before the frame is painted), for
  // both axes: left to themselves, each virtualiser would render on its own (flushSync), twice
  // a frame when scrolling diagonally — and the first of the two with the other axis stale.
  // This listener is added after theirs (effects run in order), so both have read the new
  // offset by then; their own renders are no longer forced (measured: one commit per frame).
  const [, renderNow] = useReducer((n: number) => n + 1, 0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    const onScroll = () => flushSync(renderNow);
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  // Moving focus with the keyboard: scroll the target into view, then focus it (it is always
  // rendered: the range keeps the active row and column).
  // The header row and first column are sticky: only cells need scrolling to.
  const pendingFocus = useRef(false);
  const focusActive = () => {
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-r="${active.row}"][data-c="${focusCol(active.row, active.col)}"]`);
    el?.focus({ preventScroll: true });
  };
  useEffect(() => {
    if (props.focusRef !== undefined) props.focusRef.current = focusActive;
    if (!pendingFocus.current) return;
    pendingFocus.current = false;
    if (active.row >= 0) rows.scrollToIndex(active.row);
    if (focusCol(active.row, active.col) >= 0) cols.scrollToIndex(active.col);
    focusActive();
  });

  const moveTo = (pos: CellPos) => {
    pendingFocus.current = true;
    onActiveChange({ row: clamp(pos.row, -1, rowCount - 1), col: clamp(pos.col, -1, colCount - 1) });
  };

  const pageRows = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 600) - headerHeight) / rowHeight) - 1);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    // Keys typed into a control inside a cell are the control's.
    if (target.dataset.r === undefined) return;
    const { row, col } = active;
    const full = row >= 0 && isFullRow?.(row) === true;
    let next: CellPos | null = null;
    switch (e.key) {
      case "ArrowUp":
        next = { row: row - 1, col };
        break;
      case "ArrowDown":
        next = { row: row + 1, col };
        break;
      case "ArrowLeft":
        if (full && props.onExpand !== undefined && !e.shiftKey) {
          props.onExpand(row, false);
          e.preventDefault();
          return;
        }
        next = { row, col: col - 1 };
        break;
      case "ArrowRight":
        if (full && props.onExpand !== undefined && !e.shiftKey) {
          props.onExpand(row, true);
          e.preventDefault();
          return;
        }
        next = { row, col: col + 1 };
        break;
      case "Home":
        next = e.ctrlKey || e.metaKey ? { row: 0, col: -1 } : { row, col: -1 };
        break;
      case "End":
        next = e.ctrlKey || e.metaKey ? { row: rowCount - 1, col: colCount - 1 } : { row, col: colCount - 1 };
        break;
      case "PageUp":
        next = { row: Math.max(0, row - pageRows), col };
        break;
      case "PageDown":
        next = { row: row + pageRows, col };
        break;
      case "Enter":
      case " ":
        e.preventDefault();
        props.onActivate?.(active, e.key, target);
        return;
      case "Escape":
        if (props.onEscape !== undefined) {
          e.preventDefault();
          props.onEscape();
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    const clamped = { row: clamp(next.row, -1, rowCount - 1), col: clamp(next.col, -1, colCount - 1) };
    if (e.shiftKey && props.onExtend !== undefined && row >= 0 && col >= 0 && clamped.row >= 0 && clamped.col >= 0) {
      props.onExtend(active, clamped);
    }
    moveTo(clamped);
  };

  const tabCol = focusCol(active.row, active.col);
  // Focus and pointer events of every cell, handled here (cells carry no handlers: scrolling
  // then allocates nothing per cell for them, and a recycled element is always current).
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const hit = cellOf(scrollRef.current, e.target);
    if (hit === null) return;
    const { row, col } = hit.pos;
    if (row !== active.row || col !== tabCol) onActiveChange({ row, col: col === -1 && row >= 0 && isFullRow?.(row) === true ? active.col : col });
  };
  const bodyCell = (target: EventTarget | null) => {
    const hit = cellOf(scrollRef.current, target);
    return hit !== null && hit.pos.row >= 0 && hit.pos.col >= 0 ? hit : null;
  };
  // The cell under the pointer, to report each cell it comes onto once (as pointerenter would).
  const pointerCell = useRef<string | null>(null);
  const onPointerOnto = (e: ReactPointerEvent<HTMLDivElement>) => {
    const hit = bodyCell(e.target);
    const key = hit === null ? null : `${hit.pos.row},${hit.pos.col}`;
    if (key === pointerCell.current) return;
    pointerCell.current = key;
    if (hit !== null) props.onCellPointerEnter?.(hit.pos, e);
  };
  const pointerHandlers =
    props.onCellPointerDown === undefined && props.onCellPointerEnter === undefined && props.onCellClick === undefined
      ? {}
      : {
          onPointerDown: (e: ReactPointerEvent<HTMLDivElement>) => {
            const hit = bodyCell(e.target);
            if (hit !== null) props.onCellPointerDown?.(hit.pos, e);
          },
          onPointerOver: onPointerOnto,
          onPointerMove: onPointerOnto,
          onPointerLeave: () => {
            pointerCell.current = null;
          },
          onClick: (e: ReactMouseEvent<HTMLDivElement>) => {
            const hit = bodyCell(e.target);
            if (hit !== null) props.onCellClick?.(hit.pos, hit.el);
          },
        };
  const renderColumnHeader = props.renderColumnHeader;
  const renderHeaderCell = useCallback((_row: number, col: number, nav: NavProps) => renderColumnHeader(col, nav), [renderColumnHeader]);

  const totalWidth = cols.getTotalSize();
  const totalHeight = rows.getTotalSize();
  const virtualCols = cols.getVirtualItems();
  const virtualRows = rows.getVirtualItems();
  const rowSlots = useSlots(virtualRows.map((vr) => props.rowKey(vr.index)));
  const colSlots = useSlots(virtualCols.map((vc) => props.colKey(vc.index)));
  // Stable while the columns and their slots stay (scrolling vertically): rows that did not
  // change are then not rendered again, and their cells keep their style objects.
  const columns = useStableColumns(
    virtualCols.map((vc) => ({
      index: vc.index,
      key: colSlots.get(props.colKey(vc.index)) ?? -1 - vc.index,
      start: vc.start,
      size: vc.size,
      style: cellStyle(vc.start, vc.size),
    })),
  );

  return (
    <div
      ref={scrollRef}
      className={`vgrid ${props.className ?? ""}`}
      role="grid"
      aria-label={props.label}
      aria-rowcount={rowCount + 1}
      aria-colcount={colCount + 1}
      data-testid={props.testId}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      {...pointerHandlers}
    >
      <div className="vgrid-canvas" style={{ width: totalWidth, height: totalHeight }}>
        <div className="vgrid-header" role="row" aria-rowindex={1} style={{ width: totalWidth, height: headerHeight }}>
          {props.renderCorner(navProps(-1, -1, { width: rowHeaderWidth, height: headerHeight }, active.row === -1 && tabCol === -1))}
          {columns.map((vc) => (
            <GridCell key={vc.key} row={-1} column={vc} tabStop={active.row === -1 && tabCol === vc.index} renderCell={renderHeaderCell} />
          ))}
        </div>
        {virtualRows.map((vr) => {
          const extra = props.rowProps?.(vr.index) ?? {};
          return (
            <GridRow
              key={rowSlots.get(props.rowKey(vr.index)) ?? -1 - vr.index}
              index={vr.index}
              start={vr.start}
              size={vr.size}
              width={totalWidth}
              rowHeaderWidth={rowHeaderWidth}
              full={isFullRow?.(vr.index) === true}
              className={extra.className}
              ariaSelected={extra["aria-selected"]}
              ariaExpanded={extra["aria-expanded"]}
              columns={columns}
              tabCol={vr.index === active.row ? tabCol : -2}
              renderRowHeader={props.renderRowHeader}
              renderCell={props.renderCell}
            />
          );
        })}
      </div>
    </div>
  );
}

function navProps(row: number, col: number, style: CSSProperties, tabStop: boolean): NavProps {
  return { tabIndex: tabStop ? 0 : -1, "data-r": row, "data-c": col, "aria-colindex": col + 2, style };
}

function cellStyle(start: number, size: number): CSSProperties {
  return { position: "absolute", top: 0, left: start, width: size, height: "100%" };
}

/**
 * One row: memoised, so scrolling renders only rows that came into view (into a recycled
 * element) — the render functions and the columns keep their identity while scrolling
 * vertically.
 */
const GridRow = memo(function GridRow({
  index,
  start,
  size,
  width,
  rowHeaderWidth,
  full,
  className,
  ariaSelected,
  ariaExpanded,
  columns,
  tabCol,
  renderRowHeader,
  renderCell,
}: {
  index: number;
  start: number;
  size: number;
  width: number;
  rowHeaderWidth: number;
  full: boolean;
  className: string | undefined;
  ariaSelected: boolean | undefined;
  ariaExpanded: boolean | undefined;
  columns: GridColumn[];
  /** The column holding the tab stop in this row, or -2. */
  tabCol: number;
  renderRowHeader: (row: number, nav: NavProps) => ReactNode;
  renderCell: (row: number, col: number, nav: NavProps) => ReactNode;
}) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={ariaSelected}
      aria-expanded={ariaExpanded}
      className={`vgrid-row ${className ?? ""}`}
      style={{ top: start, height: size, width }}
    >
      {renderRowHeader(index, navProps(index, -1, { width: rowHeaderWidth }, tabCol === -1))}
      {!full && columns.map((vc) => <GridCell key={vc.key} row={index} column={vc} tabStop={tabCol === vc.index} renderCell={renderCell} />)}
    </div>
  );
});

/**
 * One cell (or column header): memoised, so scrolling sideways renders only the cells of
 * columns that came into view (into the elements of those that left).
 */
const GridCell = memo(function GridCell({
  row,
  column,
  tabStop,
  renderCell,
}: {
  row: number;
  column: GridColumn;
  tabStop: boolean;
  renderCell: (row: number, col: number, nav: NavProps) => ReactNode;
}) {
  return renderCell(row, column.index, navProps(row, column.index, column.style, tabStop));
});
