import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { onFileDrop } from "../../backend/dragdrop";

type Payload =
  | { type: "enter"; paths: string[]; position: { x: number; y: number } }
  | { type: "over"; position: { x: number; y: number } }
  | { type: "drop"; paths: string[]; position: { x: number; y: number } }
  | { type: "leave" };

const tauri = vi.hoisted(() => ({
  handler: null as ((event: { payload: Payload }) => void) | null,
  unlisten: null as (() => void) | null,
  fail: false,
}));

vi.mock("@tauri-apps/api/webview", () => ({
  getCurrentWebview: () => {
    if (tauri.fail) throw new TypeError("window.__TAURI_INTERNALS__ is undefined");
    return {
      onDragDropEvent: (handler: (event: { payload: Payload }) => void) => {
        tauri.handler = handler;
        return Promise.resolve(tauri.unlisten ?? (() => {}));
      },
    };
  },
}));

beforeEach(() => {
  tauri.handler = null;
  tauri.unlisten = null;
  tauri.fail = false;
});
afterEach(() => vi.unstubAllGlobals());

const emit = (payload: Payload) => tauri.handler?.({ payload });

describe("onFileDrop (src/backend/dragdrop.ts)", () => {
  it("reports hovering, leaving and dropping, with the dropped paths", async () => {
    const onDrop = vi.fn();
    const onHover = vi.fn();
    const unlisten = vi.fn();
    tauri.unlisten = unlisten;
    const stop = await onFileDrop(onDrop, onHover);

    emit({ type: "enter", paths: ["/tmp/a.xml"], position: { x: 10, y: 20 } });
    emit({ type: "over", position: { x: 30, y: 40 } });
    emit({ type: "leave" });
    expect(onHover.mock.calls).toEqual([[{ x: 10, y: 20 }], [{ x: 30, y: 40 }], [null]]);
    expect(onDrop).not.toHaveBeenCalled();

    emit({ type: "drop", paths: ["/tmp/a.xml"], position: { x: 50, y: 60 } });
    expect(onDrop).toHaveBeenCalledWith(["/tmp/a.xml"], { x: 50, y: 60 });
    expect(onHover).toHaveBeenLastCalledWith(null);

    stop();
    expect(unlisten).toHaveBeenCalled();
  });

  it("on Windows (WebView2 reports device pixels) converts to CSS pixels", async () => {
    vi.stubGlobal("devicePixelRatio", 2);
    vi.spyOn(navigator, "userAgent", "get").mockReturnValue("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120");
    const onDrop = vi.fn();
    await onFileDrop(onDrop);
    emit({ type: "drop", paths: ["C:\\Users\\admin\\a.xml"], position: { x: 800, y: 400 } });
    expect(onDrop).toHaveBeenCalledWith(["C:\\Users\\admin\\a.xml"], { x: 400, y: 200 });
  });

  it("outside Tauri it never reports and its unlisten does nothing", async () => {
    tauri.fail = true;
    const stop = await onFileDrop(vi.fn());
    expect(() => stop()).not.toThrow();
  });
});
