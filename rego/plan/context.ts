// `with` contexts. Everything an expression under `with` calls must see the replaced documents and functions, so
// each distinct context gets its own variants of the rule functions it reaches. Replaced data is patched into the
// `data` argument; a function replaced by a value carries that value as an extra argument ("carried").
import { isPrefix } from './tree.js';

export type FunctionMock =
  /** calls another function instead: a user function (`data.pkg.g`) or a builtin (dotted name) */
  | { kind: 'function'; target: string }
  /** yields the value carried in extra argument `carried` */
  | { kind: 'value'; carried: number };

export interface WithContext {
  /** Distinguishes function variants; "" for the plain context. */
  id: string;
  /** Rule values are memoized only outside any `with`: inside, input and data may differ per call site. */
  memo: boolean;
  /** Paths under `data` whose rules are not evaluated: their value is read from the (patched) data argument. */
  replaced: string[][];
  /** Keyed by dotted name: `data.pkg.f` for user functions, `time.now_ns` for builtins. */
  mocks: Map<string, FunctionMock>;
  /** How many carried values every function of this context takes after (input, data). */
  carried: number;
}

export const PLAIN_CONTEXT: WithContext = { id: '', memo: true, replaced: [], mocks: new Map(), carried: 0 };

/** The context an expression's `with` clauses make, inside `outer`. */
export function deriveContext(
  outer: WithContext,
  replaced: string[][],
  mocks: ReadonlyMap<string, FunctionMock>,
  carried: number,
): WithContext {
  const allReplaced = [...outer.replaced, ...replaced];
  const allMocks = new Map([...outer.mocks, ...mocks]);
  const key = JSON.stringify({
    replaced: [...new Set(allReplaced.map((p) => JSON.stringify(p)))].sort(),
    mocks: [...allMocks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    carried,
  });
  return { id: key, memo: false, replaced: allReplaced, mocks: allMocks, carried };
}

/** True when the document at `path` is replaced (it or one of its ancestors is a `with` target). */
export function isReplaced(ctx: WithContext, path: readonly string[]): boolean {
  return ctx.replaced.some((r) => isPrefix(r, path));
}

/**
 * The context a mock's replacement function runs in: as in OPA, a replacement calls the real functions (a mock of
 * count that calls count gets the builtin), while replaced input and data stay in effect.
 */
export function withoutFunctionMocks(ctx: WithContext): WithContext {
  if (ctx.mocks.size === 0) return ctx;
  const inner = deriveContext({ ...PLAIN_CONTEXT, replaced: ctx.replaced }, [], new Map(), ctx.carried);
  return inner;
}
