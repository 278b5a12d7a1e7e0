// Task ids: `tsk_` and a ULID (48-bit time in ms, then 80 random bits, Crockford base32), so ids sort by issue time
// and never collide across deciders sharing a store.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newTaskId(now: Date = new Date()): string {
  return `tsk_${base32(BigInt(now.getTime()), 10)}${base32(BigInt('0x' + randomBytes(10).toString('hex')), 16)}`;
}

function base32(value: bigint, digits: number): string {
  let text = '';
  for (let i = 0; i < digits; i++) {
    text = CROCKFORD[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return text;
}
