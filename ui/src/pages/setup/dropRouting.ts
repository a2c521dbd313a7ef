import type { Slot } from "../../backend/api";

export interface Point {
  x: number;
  y: number;
}

export interface ZoneBox {
  slot: Slot;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Marks an element as the drop zone of a slot (see `zonesOnScreen`). */
export const DROP_SLOT_ATTR = "data-drop-slot";

function contains(box: ZoneBox, p: Point): boolean {
  return p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
}

/**
 * Where files dropped at `point` go: the zone under the pointer; else the only zone on screen;
 * else the only slot still waiting for its document; else nowhere (the admin is asked to drop
 * onto a zone).
 */
export function dropTarget(point: Point | null, visible: readonly ZoneBox[], waiting: readonly Slot[]): Slot | null {
  if (point !== null) {
    const hit = visible.find((box) => contains(box, point));
    if (hit !== undefined) return hit.slot;
  }
  if (visible.length === 1 && visible[0] !== undefined) return visible[0].slot;
  if (waiting.length === 1 && waiting[0] !== undefined) return waiting[0];
  return null;
}

/** The drop zones currently (at least partly) inside the viewport, with their boxes. */
export function zonesOnScreen(root: ParentNode = document): ZoneBox[] {
  const width = window.innerWidth;
  const height = window.innerHeight;
  const boxes: ZoneBox[] = [];
  for (const el of root.querySelectorAll<HTMLElement>(`[${DROP_SLOT_ATTR}]`)) {
    const slot = el.getAttribute(DROP_SLOT_ATTR);
    if (slot !== "idp" && slot !== "sp") continue;
    const r = el.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < height && r.left < width;
    if (onScreen) boxes.push({ slot, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  }
  return boxes;
}
