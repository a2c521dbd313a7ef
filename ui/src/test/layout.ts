/**
 * jsdom has no layout: `withElementSizes` gives every element a size (for the file's tests),
 * so a scroll container, and the virtual grid in it, renders a screenful. It also provides
 * `PointerEvent` where jsdom lacks it (a MouseEvent carries what a drag needs: button, buttons).
 */
import { afterAll, beforeAll } from "vitest";

type Size = { clientWidth: number; clientHeight: number };

export function withElementSizes(sizes: Size) {
  const saved: Partial<Record<keyof Size, PropertyDescriptor | undefined>> = {};
  beforeAll(() => {
    if (typeof window.PointerEvent === "undefined") {
      Object.defineProperty(window, "PointerEvent", { configurable: true, writable: true, value: class PointerEvent extends MouseEvent {} });
    }
    for (const [key, value] of Object.entries(sizes) as [keyof Size, number][]) {
      saved[key] = Object.getOwnPropertyDescriptor(HTMLElement.prototype, key);
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
    }
  });
  afterAll(() => {
    for (const key of Object.keys(sizes) as (keyof Size)[]) {
      const d = saved[key];
      if (d !== undefined) Object.defineProperty(HTMLElement.prototype, key, d);
    }
  });
}
