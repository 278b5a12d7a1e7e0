// Small helpers shared by the benchmarks: timing loops and the one output format every bench prints.

/** Runs fn `iterations` times after `warmup` runs and returns per-call times in microseconds, sorted. */
export function timeCalls(fn: () => unknown, iterations: number, warmup = Math.min(1000, iterations)): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return samples.sort((a, b) => a - b);
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(sorted: readonly number[]): number {
  return percentile(sorted, 50);
}

/** One line per figure: name, value with unit, and the ratio against the baseline it is compared with. */
export function report(name: string, value: number, unit: string, baseline: { name: string; value: number }): void {
  const ratio = value / baseline.value;
  console.log(
    `${name.padEnd(44)} ${value.toFixed(value < 10 ? 2 : 1).padStart(9)} ${unit.padEnd(4)}` +
      `  x${ratio.toFixed(2)} vs ${baseline.name} (${baseline.value} ${unit})`,
  );
}
