// Durations as people write them on command lines and in taskgate.yaml: `90s`, `15m`, `1h30m`, `2d`.
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(?:\d+[smhd])+$/;
const PART = /(\d+)([smhd])/g;

/** Seconds in `text`, or a message saying what is wrong with it (the caller names the option). */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  if (!DURATION.test(text)) {
    return { error: `"${text}" is not a duration: write a number with a unit s, m, h or d, e.g. 90s, 15m, 1h30m` };
  }
  let seconds = 0;
  for (const [, count, unit] of text.matchAll(PART)) seconds += Number(count) * UNIT_SECONDS[unit];
  if (!Number.isSafeInteger(seconds)) return { error: `"${text}" is too long a duration` };
  return { seconds };
}

/** `900` -> `15m`, `5400` -> `1h30m`: the inverse of parseDuration, for messages. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_SECONDS).sort((a, b) => b[1] - a[1])) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
