// Template strings print embedded values as OPA does, through the production path (compile, policy.wasm, OPA's
// SDK): sets as sets and integers with every digit, which the host's sprintf (fed JSON by the SDK) cannot do.
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine } from '../rego/engine.js';

async function evaluate(rule: string, input?: unknown): Promise<unknown> {
  const compiled = await compilePolicy([{ file: 't.rego', text: `package t\n${rule}` }], ['t/p']);
  return (await loadEngine(compiled.wasm)).evaluate(input, 't/p');
}

describe('template strings', () => {
  it('print sets as Rego sets, empty or not, at the top and nested', async () => {
    expect(await evaluate('p := $"{set()} {{42}} {[{1, 2}]} {{"k": {"a"}}}"')).toBe('set() {42} [{1, 2}] {"k": {"a"}}');
  });
  it('print integers beyond 2^53 with every digit', async () => {
    expect(await evaluate('p := $"{123456789123456789123} {[18446744073709551617]}"')).toBe('123456789123456789123 [18446744073709551617]');
  });
  it('print a string as its text and other values as Rego terms', async () => {
    expect(await evaluate('p := $"{input.s} {[input.s, null, true, 13.37]} 100%"', { s: 'a"b' })).toBe('a"b ["a\\"b", null, true, 13.37] 100%');
  });
  it('print an undefined value as <undefined>', async () => {
    expect(await evaluate('p := $"x={input.missing}"', {})).toBe('x=<undefined>');
  });
});
