/** Long-running backend work: a progress channel, a task id, and a way to cancel. */
import { Channel } from "@tauri-apps/api/core";
import { api, type Progress } from "./api";
import { toGatehouseError } from "./errors";

export type ProgressChannel = Channel<Progress>;

export interface RunningTask<T> {
  taskId: string;
  /** Settles with the command's result; rejects with a `GatehouseError` (kind "cancelled" after cancel). */
  promise: Promise<T>;
  /** Asks the backend to stop the task. Resolves to false if it was no longer running. */
  cancel: () => Promise<boolean>;
}

/**
 * Starts a command that streams progress, e.g.
 * `runTask((id, ch) => api.findInstanceRegions(id, ch), setProgress)`.
 */
export function runTask<T>(
  start: (taskId: string, channel: ProgressChannel) => Promise<T>,
  onProgress: (progress: Progress) => void,
): RunningTask<T> {
  const taskId = crypto.randomUUID();
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  const promise = start(taskId, channel).catch((reason: unknown) => {
    throw toGatehouseError(reason);
  });
  return {
    taskId,
    promise,
    cancel: () => api.cancelTask(taskId),
  };
}
