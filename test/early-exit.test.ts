// A rule or function whose every definition gives the same constant stops at its first solution, as OPA's early
// exit does: later bindings and later definitions are not evaluated. Observed with a counting host builtin.
import { expect, test } from 'vitest';
import { compilePolicy } from '../rego/compile.js';
import { loadEngine } from '../rego/engine.js';

async function countingEngine(text: string, entrypoint: string) {
  const calls: unknown[] = [];
  const compiled = await compilePolicy([{ file: 'early.rego', text }], [entrypoint]);
  const engine = await loadEngine(compiled.wasm, undefined, {
    builtins: { sprintf: (_format: string, args: unknown[]) => (calls.push(args[0]), String(args[0])) },
  });
  return { engine, calls };
}

test('a complete rule stops at its first solution, across bindings and definitions', async () => {
  const { engine, calls } = await countingEngine(
    `package t
allow if {
  some x in input.xs
  sprintf("%v", [x]) != ""
}
allow if sprintf("%v", ["second definition"]) != ""
`,
    't/allow',
  );
  expect(engine.evaluate({ xs: [1, 2, 3] }, 't/allow')).toBe(true);
  expect(calls).toEqual([1]);
});

test('rules with different values are all evaluated, so a conflict is still found', async () => {
  const { engine, calls } = await countingEngine(
    `package t
p := 1 if sprintf("%v", ["a"]) != ""
p := 2 if sprintf("%v", ["b"]) != ""
`,
    't/p',
  );
  expect(() => engine.evaluate({}, 't/p')).toThrow(/var assignment conflict/);
  expect(calls).toEqual(['a', 'b']);
});

test('a boolean function returns at its first solution', async () => {
  const { engine, calls } = await countingEngine(
    `package t
covers(objects) if {
  some o in objects
  sprintf("%v", [o]) == o
}
allow if covers(input.objects)
`,
    't/allow',
  );
  expect(engine.evaluate({ objects: ['a', 'b', 'c'] }, 't/allow')).toBe(true);
  expect(calls).toEqual(['a']);
});
