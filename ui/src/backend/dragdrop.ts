/**
 * Files dragged onto the window. With `dragDropEnabled` (tauri.conf.json) the webview gets no
 * HTML5 file drops: Tauri reports them as webview drag-drop events carrying the files' paths.
 */
import { getCurrentWebview } from "@tauri-apps/api/webview";

/** A point in CSS pixels relative to the viewport (what `getBoundingClientRect` uses). */
export interface DropPosition {
  x: number;
  y: number;
}

export type Unlisten = () => void;

/**
 * Tauri types the position as physical pixels, but only WebView2 (Windows) reports device
 * pixels; WKWebView (macOS) and WebKitGTK (Linux) report logical points already.
 */
function toViewport(position: { x: number; y: number }): DropPosition {
  const windows = typeof navigator !== "undefined" && /Windows/i.test(navigator.userAgent);
  const scale = windows ? window.devicePixelRatio || 1 : 1;
  return { x: position.x / scale, y: position.y / scale };
}

/**
 * Calls `onDrop` with the dropped files' paths and where they were dropped; `onHover` (if
 * given) with the pointer position while files are dragged over the window, and with null
 * when the drag leaves or ends. Resolves to the function that stops listening. Outside Tauri
 * (a plain browser) nothing is ever reported.
 */
export async function onFileDrop(
  onDrop: (paths: string[], position: DropPosition) => void,
  onHover?: (position: DropPosition | null) => void,
): Promise<Unlisten> {
  try {
    return await getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      switch (payload.type) {
        case "enter":
        case "over":
          onHover?.(toViewport(payload.position));
          break;
        case "leave":
          onHover?.(null);
          break;
        case "drop":
          onHover?.(null);
          onDrop(payload.paths, toViewport(payload.position));
          break;
      }
    });
  } catch {
    // Not running inside Tauri (or events are not allowed): drops simply never arrive.
    return () => {};
  }
}
