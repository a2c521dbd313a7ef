/**
 * A two-way virtualised ARIA grid with a sticky header row and a sticky first column, for the
 * matrix and its pivots (3,000 rows × 500 columns stay smooth: only what is on screen, plus
 * the focused cell, is in the DOM). It owns the layout and keyboard movement (arrows, Home/End,
 * Page Up/Down, Ctrl+Home/End; one cell in the tab order); the caller renders the cells and
 * decides what Enter/Space, Shift+arrows and Escape do.
 *
 * Positions: row -1 is the header row, column -1 the row headers. A "full" row (an OU header)
 * has only its row header; focus on it sits there, remembering the column for the next move.
 */
import { defaultRangeExtractor, useVirtualizer, type Range, type VirtualItem } from "@tanstack/react-virtual";
import {
  Fragment,
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useReducer,
  useRef,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { flushSync } from "react-dom";
import type { CellPos } from "./selection";

/** What every rendered cell must spread onto its element (focus, position, ARIA indexes). */
export interface NavProps {
  tabIndex: number;
  "data-r": number;
  "data-c": number;
  "aria-colindex": number;
  style: CSSProperties;
  onFocus: () => void;
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
  /** Row keys for React (stable across collapse/filter). */
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
  /** Lets the caller focus the active cell again (after a menu closes). */
  focusRef?: RefObject<(() => void) | null>;
  className?: string;
}

function clamp(n: number, lo: number, hi: number) {
  return Math.max(lo, Math.min(hi, n));
}

/** The default range plus one index kept rendered (the focused row/column). */
function keeping(index: number) {
  return (range: Range) => {
    const list = defaultRangeExtractor(range);
    if (index < 0 || index >= range.count || list.includes(index)) return list;
    return [...list, index].sort((a, b) => a - b);
  };
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

  // Stable while the active row/column stays: the virtualizer then keeps its item arrays, and
  // rows that did not change are not rendered again while scrolling.
  const rowRange = useCallback((range: Range) => keeping(active.row)(range), [active.row]);
  const colRange = useCallback((range: Range) => keeping(active.col)(range), [active.col]);

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
  // One handler for every cell's focus, stable across renders (rows are memoised).
  const latestFocus = useRef<(row: number, col: number) => void>(() => undefined);
  useEffect(() => {
    latestFocus.current = (row, col) => {
      if (row !== active.row || col !== tabCol) onActiveChange({ row, col: col === -1 && row >= 0 && isFullRow?.(row) === true ? active.col : col });
    };
  });
  const onCellFocus = useCallback((row: number, col: number) => latestFocus.current(row, col), []);
  const nav = (row: number, col: number, style: CSSProperties): NavProps => navProps(row, col, style, row === active.row && col === tabCol, onCellFocus);

  const totalWidth = cols.getTotalSize();
  const totalHeight = rows.getTotalSize();
  const virtualCols = cols.getVirtualItems();

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
    >
      <div className="vgrid-canvas" style={{ width: totalWidth, height: totalHeight }}>
        <div className="vgrid-header" role="row" aria-rowindex={1} style={{ width: totalWidth, height: headerHeight }}>
          {props.renderCorner(nav(-1, -1, { width: rowHeaderWidth, height: headerHeight }))}
          {virtualCols.map((vc) => (
            <Fragment key={props.colKey(vc.index)}>{props.renderColumnHeader(vc.index, nav(-1, vc.index, cellStyle(vc.start, vc.size)))}</Fragment>
          ))}
        </div>
        {rows.getVirtualItems().map((vr) => {
          const extra = props.rowProps?.(vr.index) ?? {};
          return (
            <GridRow
              key={props.rowKey(vr.index)}
              index={vr.index}
              start={vr.start}
              size={vr.size}
              width={totalWidth}
              rowHeaderWidth={rowHeaderWidth}
              full={isFullRow?.(vr.index) === true}
              className={extra.className}
              ariaSelected={extra["aria-selected"]}
              ariaExpanded={extra["aria-expanded"]}
              columns={virtualCols}
              tabCol={vr.index === active.row ? tabCol : -2}
              colKey={props.colKey}
              renderRowHeader={props.renderRowHeader}
              renderCell={props.renderCell}
              onCellFocus={onCellFocus}
            />
          );
        })}
      </div>
    </div>
  );
}

function navProps(row: number, col: number, style: CSSProperties, tabStop: boolean, onCellFocus: (row: number, col: number) => void): NavProps {
  return { tabIndex: tabStop ? 0 : -1, "data-r": row, "data-c": col, "aria-colindex": col + 2, style, onFocus: () => onCellFocus(row, col) };
}

function cellStyle(start: number, size: number): CSSProperties {
  return { position: "absolute", top: 0, left: start, width: size, height: "100%" };
}

/**
 * One row: memoised, so scrolling renders only rows that came into view (the render functions
 * and the column range keep their identity while scrolling vertically).
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
  colKey,
  renderRowHeader,
  renderCell,
  onCellFocus,
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
  columns: VirtualItem[];
  /** The column holding the tab stop in this row, or -2. */
  tabCol: number;
  colKey: (col: number) => string;
  renderRowHeader: (row: number, nav: NavProps) => ReactNode;
  renderCell: (row: number, col: number, nav: NavProps) => ReactNode;
  onCellFocus: (row: number, col: number) => void;
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
      {renderRowHeader(index, navProps(index, -1, { width: rowHeaderWidth }, tabCol === -1, onCellFocus))}
      {!full &&
        columns.map((vc) => (
          <Fragment key={colKey(vc.index)}>{renderCell(index, vc.index, navProps(index, vc.index, cellStyle(vc.start, vc.size), tabCol === vc.index, onCellFocus))}</Fragment>
        ))}
    </div>
  );
});
