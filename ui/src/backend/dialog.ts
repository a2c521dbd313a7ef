/** The native file dialogs. */
import { open, save } from "@tauri-apps/plugin-dialog";
import { toGatehouseError } from "./errors";

export interface FileFilter {
  name: string;
  extensions: string[];
}

/** Asks for one file; resolves to its path, or null if the admin cancelled. */
export async function pickFile(options: { title: string; filters?: FileFilter[] }): Promise<string | null> {
  try {
    const picked = await open({ title: options.title, multiple: false, directory: false, filters: options.filters });
    return typeof picked === "string" ? picked : null;
  } catch (reason) {
    throw toGatehouseError(reason);
  }
}

/** Asks where to save a file; resolves to the chosen path, or null if the admin cancelled. */
export async function pickSavePath(options: {
  title: string;
  defaultPath?: string;
  filters?: FileFilter[];
}): Promise<string | null> {
  try {
    const chosen = await save({ title: options.title, defaultPath: options.defaultPath, filters: options.filters });
    return typeof chosen === "string" ? chosen : null;
  } catch (reason) {
    throw toGatehouseError(reason);
  }
}
