// time.parse_rfc3339_ns, native because policies call it on every evaluation and a host call costs more than
// the parse. It accepts what OPA accepts: Go's time.Parse(time.RFC3339, s), whose general layout parser is more
// lenient than RFC 3339 itself (one-digit hour, ',' before the fraction, any number of fraction digits with
// the first nine kept, zone offsets up to 24:60), then UnixNano, undefined outside the int64 nanosecond range.
//
//   YYYY-MM-DD T H[H]:MM:SS [(.|,)digits] (Z | (+|-)HH:MM)        'T' and 'Z' upper case only, as in Go

import { TYPE_STRING, stringData, stringLen } from "../value";
import { makeInt } from "../number";
import { alloc } from "../memory";
import { isA } from "./args";

const NANOS_PER_SECOND: i64 = 1_000_000_000;
// int64 nanoseconds split into whole seconds and the nanoseconds left over (the bounds of UnixNano).
const MIN_SECONDS: i64 = -9_223_372_037;
const MIN_SECONDS_NANOS: i64 = 145_224_192;
const MAX_SECONDS: i64 = 9_223_372_036;
const MAX_SECONDS_NANOS: i64 = 854_775_807;

/** Reads the text left to right; `ok` turns false at the first mismatch and every later read is ignored. */
@unmanaged
class Cursor {
  data: usize;
  len: u32;
  pos: u32;
  ok: bool;

  at(i: u32): i32 {
    return i < this.len ? <i32>load<u8>(this.data + i) : -1;
  }

  isDigitAt(i: u32): bool {
    const c = this.at(i);
    return c >= 0x30 && c <= 0x39;
  }

  literal(c: i32): void {
    if (this.at(this.pos) != c) this.ok = false;
    else this.pos++;
  }

  /** Exactly `count` decimal digits. */
  fixed(count: u32): i32 {
    let x = 0;
    for (let i: u32 = 0; i < count; i++) {
      if (!this.isDigitAt(this.pos)) {
        this.ok = false;
        return 0;
      }
      x = x * 10 + this.at(this.pos) - 0x30;
      this.pos++;
    }
    return x;
  }

  /** One or two digits, as Go's getnum reads an unpadded field. */
  oneOrTwo(): i32 {
    return this.isDigitAt(this.pos + 1) ? this.fixed(2) : this.fixed(1);
  }

  /** An optional fraction of a second after '.' or ','; all digits are consumed, the first nine count. */
  fraction(): i64 {
    const sep = this.at(this.pos);
    if ((sep != 0x2e && sep != 0x2c) || !this.isDigitAt(this.pos + 1)) return 0;
    this.pos++;
    let nanos: i64 = 0;
    let kept = 0;
    while (this.isDigitAt(this.pos)) {
      if (kept < 9) {
        nanos = nanos * 10 + <i64>(this.at(this.pos) - 0x30);
        kept++;
      }
      this.pos++;
    }
    for (; kept < 9; kept++) nanos *= 10;
    return nanos;
  }

  /** The zone offset in seconds east of UTC: 'Z' or ±HH:MM. */
  zoneOffset(): i64 {
    const sign = this.at(this.pos);
    if (sign == 0x5a) {
      this.pos++;
      return 0;
    }
    if (sign != 0x2b && sign != 0x2d) {
      this.ok = false;
      return 0;
    }
    this.pos++;
    const hours = this.fixed(2);
    this.literal(0x3a);
    const minutes = this.fixed(2);
    if (hours > 24 || minutes > 60) this.ok = false;
    const offset = <i64>(hours * 3600 + minutes * 60);
    return sign == 0x2d ? -offset : offset;
  }
}

function newCursor(data: usize, len: u32): Cursor {
  const c = changetype<Cursor>(alloc(offsetof<Cursor>()));
  c.data = data;
  c.len = len;
  c.pos = 0;
  c.ok = true;
  return c;
}

function isLeap(year: i32): bool {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return isLeap(year) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (the civil-from-days inverse over 400-year eras). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y: i64 = <i64>(month <= 2 ? year - 1 : year);
  const era: i64 = (y >= 0 ? y : y - 399) / 400;
  const yearOfEra = y - era * 400;
  const shiftedMonth: i64 = <i64>(month > 2 ? month - 3 : month + 9);
  const dayOfYear = (153 * shiftedMonth + 2) / 5 + <i64>(day - 1);
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function fitsInt64Nanos(seconds: i64, nanos: i64): bool {
  if (seconds < MIN_SECONDS || (seconds == MIN_SECONDS && nanos < MIN_SECONDS_NANOS)) return false;
  return !(seconds > MAX_SECONDS || (seconds == MAX_SECONDS && nanos > MAX_SECONDS_NANOS));
}

export function parseRfc3339Ns(x: usize): usize {
  if (!isA(x, TYPE_STRING)) return 0;
  const c = newCursor(stringData(x), stringLen(x));
  const year = c.fixed(4);
  c.literal(0x2d);
  const month = c.fixed(2);
  c.literal(0x2d);
  const day = c.fixed(2);
  c.literal(0x54);
  const hour = c.oneOrTwo();
  c.literal(0x3a);
  const minute = c.fixed(2);
  c.literal(0x3a);
  const second = c.fixed(2);
  const nanos = c.fraction();
  const offset = c.zoneOffset();
  if (!c.ok || c.pos != c.len) return 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 0;
  if (hour > 23 || minute > 59 || second > 59) return 0;
  const seconds = daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second) - offset;
  if (!fitsInt64Nanos(seconds, nanos)) return 0;
  return makeInt(seconds * NANOS_PER_SECOND + nanos);
}
