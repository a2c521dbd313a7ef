/** VirtualGrid's element recycling (bench/README.md, part 2): keys, DOM order, events on recycled cells. */
import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { withElementSizes } from "../../test/layout";
import type { CellPos } from "./selection";
import { assignSlots, VirtualGrid, type NavProps } from "./VirtualGrid";

describe("assignSlots", () => {
  it("keeps the slot of an item that stays and gives a new one the slot of one that left", () => {
    const first = assignSlots(new Map(), ["a", "b", "c"]);
    expect([...first]).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
    ]);
    // Scrolled one down: "a" left, "d" came; "d" takes its slot, the others keep theirs.
    const next = assignSlots(first, ["b", "c", "d"]);
    expect([...next]).toEqual([
      ["b", 1],
      ["c", 2],
      ["d", 0],
    ]);
  });

  it("on a jump past everything gives the slots out in order (the DOM order stays)", () => {
    const first = assignSlots(new Map(), ["a", "b", "c"]);
    expect([...assignSlots(first, ["x", "y", "z"])].map(([, s]) => s)).toEqual([0, 1, 2]);
  });

  it("never gives two items one slot, also when the list grows or shrinks", () => {
    const first = assignSlots(new Map(), ["a", "b"]);
    const grown = assignSlots(first, ["b", "c", "d", "e"]);
    expect(new Set(grown.values()).size).toBe(4);
    const shrunk = assignSlots(grown, ["e"]);
    expect(shrunk.get("e")).toBe(grown.get("e"));
  });
});

withElementSizes({ clientWidth: 600, clientHeight: 300 });

const ROWS = 1000;
const COLS = 100;

function Grid({ onCellClick, onCellPointerEnter }: { onCellClick?: (pos: CellPos) => void; onCellPointerEnter?: (pos: CellPos) => void }) {
  const [active, setActive] = useState<CellPos>({ row: 0, col: 0 });
  return (
    <VirtualGrid
      label="test grid"
      testId="grid"
      rowCount={ROWS}
      colCount={COLS}
      rowHeight={30}
      colWidth={100}
      headerHeight={40}
      rowHeaderWidth={200}
      active={active}
      onActiveChange={setActive}
      rowKey={(r) => `r${r}`}
      colKey={(c) => `c${c}`}
      renderCorner={(nav) => <div {...nav} role="columnheader" aria-label="corner" />}
      renderColumnHeader={(c, nav: NavProps) => <div {...nav} role="columnheader" data-testid={`col-${c}`} />}
      renderRowHeader={(r, nav) => <div {...nav} role="rowheader" data-testid={`row-${r}`} />}
      renderCell={(r, c, nav) => <div {...nav} role="gridcell" data-testid={`cell-${r}-${c}`} />}
      onCellClick={(pos) => onCellClick?.(pos)}
      onCellPointerEnter={(pos) => onCellPointerEnter?.(pos)}
    />
  );
}

function rowIndexes(grid: HTMLElement): number[] {
  return [...grid.querySelectorAll<HTMLElement>(".vgrid-row")].map((row) => Number(row.getAttribute("aria-rowindex")));
}

function scrollTo(grid: HTMLElement, top: number, left = 0) {
  grid.scrollTop = top;
  grid.scrollLeft = left;
  fireEvent.scroll(grid);
}

describe("VirtualGrid recycling", () => {
  it("reuses the elements of rows and cells on a jump and keeps the rows in visual order", () => {
    render(<Grid />);
    const grid = screen.getByTestId("grid");
    const elementsBefore = new Set(grid.querySelectorAll(".vgrid-row, [role=gridcell]"));
    expect(rowIndexes(grid)[0]).toBe(2);

    scrollTo(grid, 30 * 500);
    const rows = rowIndexes(grid);
    expect(rows).toContain(502);
    // The row with the tab stop (row 0) stays rendered; the DOM order is the rows' order.
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    const cell = screen.getByTestId("cell-500-0");
    expect(elementsBefore.has(cell)).toBe(true);
    expect(cell.dataset.r).toBe("500");
    expect(cell.closest(".vgrid-row")?.getAttribute("aria-rowindex")).toBe("502");

    // A small scroll back: the rows still in view keep their elements, and the order holds.
    const kept = screen.getByTestId("row-505");
    scrollTo(grid, 30 * 498);
    expect(screen.getByTestId("row-505")).toBe(kept);
    const after = rowIndexes(grid);
    expect(after).toEqual([...after].sort((a, b) => a - b));
  });

  it("handles focus and clicks on recycled cells with their new positions", () => {
    const onCellClick = vi.fn();
    const onCellPointerEnter = vi.fn();
    render(<Grid onCellClick={onCellClick} onCellPointerEnter={onCellPointerEnter} />);
    const grid = screen.getByTestId("grid");
    scrollTo(grid, 30 * 500, 100 * 40);
    const cell = screen.getByTestId("cell-501-41");
    fireEvent.click(cell);
    expect(onCellClick).toHaveBeenLastCalledWith({ row: 501, col: 41 });
    fireEvent.pointerOver(cell);
    expect(onCellPointerEnter).toHaveBeenLastCalledWith({ row: 501, col: 41 });
    // Moving within the same cell reports nothing new; a header is not a cell.
    fireEvent.pointerMove(cell);
    expect(onCellPointerEnter).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByTestId("row-501"));
    expect(onCellClick).toHaveBeenCalledTimes(1);
    // Focus moves the tab stop there.
    fireEvent.focus(cell);
    expect(cell.tabIndex).toBe(0);
  });
});
