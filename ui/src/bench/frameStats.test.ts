import { describe, expect, it } from "vitest";
import { frameStats, quantile } from "./frameStats";

describe("frameStats", () => {
  it("takes nearest-rank quantiles", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.95)).toBe(95);
    expect(quantile(sorted, 1)).toBe(100);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("summarises frame intervals and counts those over the limit", () => {
    const s = frameStats([16.7, 16.6, 50, 50.1, 16.7, 120.04]);
    expect(s).toEqual({ frames: 6, maxMs: 120, p95Ms: 120, medianMs: 16.7, meanMs: 45, over: 2, limitMs: 50 });
  });
});
