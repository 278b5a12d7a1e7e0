// time.* builtins. Instants are nanoseconds since the Unix epoch (Go int64); zones are IANA names.
// time.parse_rfc3339_ns is also native (rego/runtime/builtins/time.ts): this one serves modules built by
// `opa build`, whose runtime imports it from the host.

import { BuiltinError, exactInteger, int, str } from './args.js';
import { parseDuration } from './duration.js';
import { evaluationTimeNs } from './evaluation.js';
import { NAMED_LAYOUTS, WEEKDAYS, formatTime, parseTime } from './golayout.js';
import { UTC, loadZone, type Zone } from './timezone.js';
import { checkRange, instantInZone, wallClock } from './walltime.js';

const MAX_INT64 = 2n ** 63n - 1n;

function nanoseconds(v: unknown, pos: number): bigint {
  const n = int(v, pos);
  const big = BigInt(n);
  if (big > MAX_INT64 || big < -MAX_INT64 - 1n) throw new BuiltinError('timestamp too big');
  return big;
}

/** A time argument: `ns` or `[ns, zone]`, and `[ns, zone, layout]` where a layout is allowed. */
function timeArg(v: unknown, pos: number, allowLayout: boolean): { ns: bigint; zone: Zone; layout?: string } {
  if (!Array.isArray(v)) return { ns: nanoseconds(v, pos), zone: UTC };
  const max = allowLayout ? 3 : 2;
  if (v.length < 2 || v.length > max) {
    throw new BuiltinError(`array should have ${allowLayout ? '2 or 3' : '2'} elements`);
  }
  const zone = loadZone(str(v[1], pos));
  return { ns: nanoseconds(v[0], pos), zone, layout: v.length === 3 ? str(v[2], pos) : undefined };
}

function now(): number | ArrayBuffer {
  return exactInteger(evaluationTimeNs());
}

function layoutOf(name: string): string {
  return NAMED_LAYOUTS[name] ?? name;
}

function parseNs(layout: unknown, value: unknown): number | ArrayBuffer {
  return exactInteger(parseTime(layoutOf(str(layout, 1)), str(value, 2)));
}

function parseRfc3339(value: unknown): number | ArrayBuffer {
  return exactInteger(parseTime(NAMED_LAYOUTS.RFC3339, str(value, 1)));
}

function parseDurationNs(value: unknown): number | ArrayBuffer {
  return exactInteger(parseDuration(str(value, 1)));
}

function format(x: unknown): string {
  const t = timeArg(x, 1, true);
  return formatTime(t.ns, t.zone, layoutOf(t.layout ?? 'RFC3339Nano'));
}

function date(x: unknown): number[] {
  const t = timeArg(x, 1, false);
  const w = wallClock(t.ns, t.zone);
  return [w.year, w.month, w.day];
}

function clock(x: unknown): number[] {
  const t = timeArg(x, 1, false);
  const w = wallClock(t.ns, t.zone);
  return [w.hour, w.minute, w.second];
}

function weekday(x: unknown): string {
  const t = timeArg(x, 1, false);
  return WEEKDAYS[wallClock(t.ns, t.zone).weekday];
}

/** Go's AddDate: add to the calendar fields, then normalise (January 31 plus one month is March 2 or 3). */
function addDate(ns: unknown, years: unknown, months: unknown, days: unknown): number | ArrayBuffer {
  const w = wallClock(nanoseconds(ns, 1), UTC);
  const shifted = instantInZone(
    { ...w, year: w.year + int(years, 2), month: w.month + int(months, 3), day: w.day + int(days, 4) },
    UTC,
  );
  return exactInteger(checkRange(shifted));
}

/** [years, months, days, hours, minutes, seconds] between two instants, whichever comes first. */
function diff(a: unknown, b: unknown): number[] {
  let t1 = timeArg(a, 1, false);
  let t2 = timeArg(b, 2, false);
  if (t1.ns > t2.ns) [t1, t2] = [t2, t1];
  const w1 = wallClock(t1.ns, t1.zone);
  const w2 = wallClock(t2.ns, t1.zone);
  let year = w2.year - w1.year;
  let month = w2.month - w1.month;
  let day = w2.day - w1.day;
  let hour = w2.hour - w1.hour;
  let minute = w2.minute - w1.minute;
  let second = w2.second - w1.second;
  if (second < 0) {
    second += 60;
    minute--;
  }
  if (minute < 0) {
    minute += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    // Borrow the length of the earlier time's month.
    const probe = wallClock(instantInZone({ ...w1, day: 32, hour: 0, minute: 0, second: 0, nanosecond: 0 }, UTC), UTC);
    day += 32 - probe.day;
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, minute, second];
}

export const timeBuiltins = {
  'time.now_ns': now,
  'time.parse_ns': parseNs,
  'time.parse_rfc3339_ns': parseRfc3339,
  'time.parse_duration_ns': parseDurationNs,
  'time.format': format,
  'time.date': date,
  'time.clock': clock,
  'time.weekday': weekday,
  'time.add_date': addDate,
  'time.diff': diff,
};

