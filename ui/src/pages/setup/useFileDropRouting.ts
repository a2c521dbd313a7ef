import { useEffect, useRef, useState } from "react";
import type { Slot } from "../../backend/api";
import { onFileDrop, type DropPosition, type Unlisten } from "../../backend/dragdrop";
import { dropTarget, zonesOnScreen } from "./dropRouting";

export interface DragState {
  /** The slot a drop would go to now (null: none, the admin must aim at a zone). */
  target: Slot | null;
}

/**
 * Listens for files dragged onto the window while the page is shown. Returns the drag in
 * progress (for highlighting the zones) or null; calls `onDrop` with where the files go.
 */
export function useFileDropRouting(
  waiting: readonly Slot[],
  onDrop: (target: Slot | null, paths: string[]) => void,
): DragState | null {
  const [drag, setDrag] = useState<DragState | null>(null);
  const latest = useRef({ waiting, onDrop });
  useEffect(() => {
    latest.current = { waiting, onDrop };
  });

  useEffect(() => {
    let disposed = false;
    let unlisten: Unlisten | undefined;
    const targetAt = (p: DropPosition) => dropTarget(p, zonesOnScreen(), latest.current.waiting);
    onFileDrop(
      (paths, position) => {
        setDrag(null);
        latest.current.onDrop(targetAt(position), paths);
      },
      (position) => {
        if (position === null) {
          setDrag(null);
          return;
        }
        const target = targetAt(position);
        setDrag((prev) => (prev !== null && prev.target === target ? prev : { target }));
      },
    ).then(
      (u) => {
        if (disposed) u();
        else unlisten = u;
      },
      () => {},
    );
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, []);

  return drag;
}
