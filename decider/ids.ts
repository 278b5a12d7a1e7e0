// Ids for things the store keeps (tasks `tsk_`, approvals `apr_`): the prefix and a ULID (48-bit time in ms, then
// 80 random bits, Crockford base32), so ids sort by creation time and never collide across deciders sharing a store.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newSortableId(prefix: 'tsk' | 'apr', now: Date = new Date()): string {
  return `${prefix}_${base32(BigInt(now.getTime()), 10)}${base32(BigInt('0x' + randomBytes(10).toString('hex')), 16)}`;
}

function base32(value: bigint, digits: number): string {
  let text = '';
  for (let i = 0; i < digits; i++) {
    text = CROCKFORD[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return text;
}
