/** Frame-time statistics for the matrix benchmark (pure, unit-tested). */

export interface FrameStats {
  /** Frame intervals measured. */
  frames: number;
  maxMs: number;
  p95Ms: number;
  medianMs: number;
  meanMs: number;
  /** Intervals over the limit (50 ms). */
  over: number;
  /** The limit `over` counts against. */
  limitMs: number;
}

/** The `p`-quantile (0..1) of ascending `sorted`, nearest rank; NaN when empty. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Max, p95, median, mean and the count over `limitMs` of frame intervals (ms, 0.1 ms precision). */
export function frameStats(intervals: readonly number[], limitMs = 50): FrameStats {
  const sorted = [...intervals].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    frames: sorted.length,
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
    p95Ms: round(quantile(sorted, 0.95)),
    medianMs: round(quantile(sorted, 0.5)),
    meanMs: round(sorted.length === 0 ? Number.NaN : sum / sorted.length),
    over: sorted.filter((x) => x > limitMs).length,
    limitMs,
  };
}
