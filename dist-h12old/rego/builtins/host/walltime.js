// Conversions between an instant (nanoseconds since the Unix epoch, a bigint so that every nanosecond of Go's
// int64 range is kept) and the wall-clock fields of that instant in a zone.
import { BuiltinError } from './args.js';
export const NS_PER_SECOND = 1000000000n;
const NS_PER_MS = 1000000n;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
function floorDiv(a, b) {
    const q = a / b;
    return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
export function wallClock(ns, zone) {
    const epochMs = Number(floorDiv(ns, NS_PER_MS));
    const offsetSeconds = zone.offsetAt(epochMs);
    const local = ns + BigInt(offsetSeconds) * NS_PER_SECOND;
    const seconds = floorDiv(local, NS_PER_SECOND);
    const d = new Date(Number(seconds) * 1000);
    const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
    const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        nanosecond: Number(local - seconds * NS_PER_SECOND),
        weekday: d.getUTCDay(),
        yearDay: Math.round((dayStart - startOfYear) / 86_400_000) + 1,
        offsetSeconds,
        zone,
    };
}
/**
 * The instant of wall-clock fields at a fixed offset. Out-of-range fields roll over (month 13 is January of the
 * next year, day 0 the last day of the previous month), as Go's time.Date normalises them.
 */
export function instantOf(year, month, day, hour, minute, second, nanosecond, offsetSeconds) {
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(hour, minute, second, 0);
    return BigInt(d.getTime() / 1000 - offsetSeconds) * NS_PER_SECOND + BigInt(nanosecond);
}
/** The instant of wall-clock fields in a zone, using the zone's offset at about that time. */
export function instantInZone(fields, zone) {
    const guess = instantOf(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second, fields.nanosecond, 0);
    const offset = zone.offsetAt(Number(guess / NS_PER_MS) - zone.offsetAt(Number(guess / NS_PER_MS)) * 1000);
    return guess - BigInt(offset) * NS_PER_SECOND;
}
/** OPA's time values are Go int64 nanoseconds; anything outside is refused. */
export function checkRange(ns) {
    if (ns < MIN_INT64 || ns > MAX_INT64)
        throw new BuiltinError('time outside of valid range');
    return ns;
}
export function daysIn(year, month) {
    const d = new Date(0);
    d.setUTCFullYear(year, month, 0);
    return d.getUTCDate();
}
//# sourceMappingURL=walltime.js.map