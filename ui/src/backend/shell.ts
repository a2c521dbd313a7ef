/** Opening things outside the window (the capability limits URLs to AWS/Microsoft consoles and docs). */
import { openUrl as tauriOpenUrl, revealItemInDir } from "@tauri-apps/plugin-opener";
import { toGatehouseError } from "./errors";

export async function openUrl(url: string): Promise<void> {
  try {
    await tauriOpenUrl(url);
  } catch (reason) {
    throw toGatehouseError(reason);
  }
}

export async function revealInFolder(path: string): Promise<void> {
  try {
    await revealItemInDir(path);
  } catch (reason) {
    throw toGatehouseError(reason);
  }
}
