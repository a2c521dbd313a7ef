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
  return runStreamingTask<T, Progress>(start, onProgress);
}

/**
 * The same for commands that stream richer events than `Progress` (e.g. apply's
 * `ApplyEvent`, one per item that moves).
 */
export function runStreamingTask<T, E>(
  start: (taskId: string, channel: Channel<E>) => Promise<T>,
  onEvent: (event: E) => void,
): RunningTask<T> {
  const taskId = crypto.randomUUID();
  const channel = new Channel<E>();
  channel.onmessage = onEvent;
  const promise = start(taskId, channel).catch((reason: unknown) => {
    throw toGatehouseError(reason);
  });
  return {
    taskId,
    promise,
    cancel: () => api.cancelTask(taskId),
  };
}
