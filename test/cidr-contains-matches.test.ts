// net.cidr_contains_matches through the production path (compile, policy.wasm, OPA's SDK): a set operand is
// reported by its elements and the result is a set, as OPA gives them; a malformed operand makes the call undefined.
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine } from '../rego/engine.js';

async function evaluate(rule: string, input?: unknown): Promise<unknown> {
  const compiled = await compilePolicy([{ file: 't.rego', text: `package t\n${rule}` }], ['t/p']);
  return (await loadEngine(compiled.wasm)).evaluate(input, 't/p');
}

describe('net.cidr_contains_matches', () => {
  it('keys set elements by themselves, array elements by index and object values by key', async () => {
    expect(await evaluate('p := net.cidr_contains_matches({"1.1.1.0/24", "1.1.2.0/24"}, {"1.1.1.1", "1.1.2.1", "9.9.9.9"})')).toEqual([
      ['1.1.1.0/24', '1.1.1.1'],
      ['1.1.2.0/24', '1.1.2.1'],
    ]);
    expect(await evaluate('p := net.cidr_contains_matches(["10.0.0.0/8", ["192.168.0.0/16", "lan"]], {"a": "192.168.1.7", "b": ["10.1.0.0/16"]})')).toEqual([
      [0, 'b'],
      [1, 'a'],
    ]);
  });
  it('gives a set, which compares equal to a set', async () => {
    expect(await evaluate('p if net.cidr_contains_matches("10.0.0.0/8", ["10.0.0.1", "11.0.0.1"]) == {["10.0.0.0/8", 0]}')).toBe(true);
  });
  it('is undefined for a first operand that is not a CIDR or an element of the wrong shape', async () => {
    expect(await evaluate('p := net.cidr_contains_matches("10.0.0.1", [])')).toBeUndefined();
    expect(await evaluate('p := net.cidr_contains_matches("10.0.0.0/8", [1])')).toBeUndefined();
    expect(await evaluate('p := net.cidr_contains_matches("10.0.0.0/8", ["not an address"])')).toBeUndefined();
  });
});
