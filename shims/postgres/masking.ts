// Masking of result cells, by method (docs/policy-contract.md), over text-format values as Postgres sends them.
import { createHmac } from 'node:crypto';
import * as backend from './protocol/backend-serializer.js';

export const MASK_METHODS = ['redact', 'null', 'partial', 'hash', 'email'] as const;
export type MaskMethod = (typeof MASK_METHODS)[number];

export function isMaskMethod(method: string): method is MaskMethod {
  return (MASK_METHODS as readonly string[]).includes(method);
}

/** `hashKey` keys the HMAC, so a masked value cannot be confirmed by hashing guesses without the shim's key. */
export function maskValue(value: string, method: MaskMethod, hashKey: Buffer): string | null {
  switch (method) {
    case 'redact':
      return '***';
    case 'null':
      return null;
    case 'partial': {
      const chars = [...value];
      // Too short to keep 4 characters and still hide anything: hide all of it.
      if (chars.length <= 4) return '*'.repeat(chars.length);
      return '*'.repeat(chars.length - 4) + chars.slice(-4).join('');
    }
    case 'hash':
      return createHmac('sha256', hashKey).update(value, 'utf8').digest('hex');
    case 'email': {
      const at = value.lastIndexOf('@');
      if (at <= 0) return '***';
      return `${[...value.slice(0, at)][0]}***${value.slice(at)}`;
    }
  }
}

/**
 * Rewrites the cells of a DataRow message whose column index has a method; NULL stays NULL. Returns the new
 * message and how many cells were masked.
 */
export function maskDataRow(raw: Buffer, methods: ReadonlyMap<number, MaskMethod>, hashKey: Buffer): { row: Buffer; masked: number } {
  const count = raw.readInt16BE(5);
  const values: (Buffer | string | null)[] = [];
  let offset = 7;
  let masked = 0;
  for (let i = 0; i < count; i++) {
    const length = raw.readInt32BE(offset);
    offset += 4;
    if (length < 0) {
      values.push(null);
      continue;
    }
    const cell = raw.subarray(offset, offset + length);
    offset += length;
    const method = methods.get(i);
    if (method === undefined) values.push(cell);
    else {
      values.push(maskValue(cell.toString('utf8'), method, hashKey));
      masked++;
    }
  }
  return { row: backend.dataRow(values), masked };
}
