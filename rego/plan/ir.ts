// The planner's output and the emitter's input: a small imperative IR in the spirit of OPA's planner IR.
//
// Control flow is structured, as in WASM. A `Block` is a list of statements run in order. Any statement that
// "fails" (a lookup that finds nothing, an equality that does not hold, a call whose result is undefined...)
// leaves the innermost enclosing block at once; execution goes on after that block. That single rule is how
// Rego's semantics map onto loops: a rule body is a block, each expression a statement, iteration a `scan` whose
// body is the rest of the rule body, so a failed expression moves on to the next element.
//
// Every local holds a value pointer (a WASM i32; 0 means undefined). Locals are numbered per function.

/** A local variable's index within its function. */
export type Local = number;

/** A constant Rego value. Numbers keep their literal text. Built once when the module starts, never mutated. */
export type ConstValue =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number'; text: string }
  | { type: 'string'; value: string }
  | { type: 'array'; items: ConstValue[] }
  | { type: 'set'; items: ConstValue[] }
  | { type: 'object'; entries: Array<[ConstValue, ConstValue]> };

export type Block = Stmt[];

export type Stmt =
  // -- values
  /** target := consts[index] */
  | { op: 'const'; index: number; target: Local }
  /** target := source */
  | { op: 'assign'; source: Local; target: Local }
  /** target := undefined */
  | { op: 'reset'; target: Local }
  /** target := source[key] (object member, array element, set element); fails when undefined */
  | { op: 'dot'; source: Local; key: Local; target: Local }
  /** target := number of elements (array, object, set) or code points (string); fails for other types */
  | { op: 'len'; source: Local; target: Local }
  | { op: 'makeArray'; capacity: number; target: Local }
  | { op: 'makeObject'; target: Local }
  | { op: 'makeSet'; target: Local }
  | { op: 'arrayAppend'; array: Local; value: Local }
  | { op: 'setAdd'; set: Local; value: Local }
  /** object[key] := value, replacing */
  | { op: 'objectInsert'; object: Local; key: Local; value: Local }
  /** object[key] := value; when key is present with a different value: abort with "object insert conflict" */
  | { op: 'objectInsertOnce'; object: Local; key: Local; value: Local; loc: string }
  /** deep-merges source into target object (virtual documents over base data); aborts on a conflict */
  | { op: 'objectMerge'; target: Local; source: Local; loc: string }
  /** target := source when target is undefined; when target holds a different value: abort with
   * "var assignment conflict" (complete rules and functions producing two values) */
  | { op: 'assignOnce'; source: Local; target: Local; loc: string }

  // -- conditions (fail or go on)
  | { op: 'equal'; a: Local; b: Local }
  | { op: 'notEqual'; a: Local; b: Local }
  /** fails when source is undefined or the boolean false: the truth test of an expression */
  | { op: 'isTrue'; source: Local }
  | { op: 'isDefined'; source: Local }
  | { op: 'isUndefined'; source: Local }
  /** fails unless source has this type (used when unifying against array/object patterns) */
  | { op: 'isType'; source: Local; type: 'array' | 'object' | 'set' | 'string' | 'number' | 'boolean' | 'null' }

  // -- control
  /** runs body; a failure inside it only leaves it */
  | { op: 'block'; body: Block }
  /** runs body once per element of source (array index/value, object key/value, set element/element);
   * nothing happens for a non-collection or an undefined source */
  | { op: 'scan'; source: Local; key: Local; value: Local; body: Block }
  /** fails when body runs to its end; goes on when body failed */
  | { op: 'not'; body: Block }
  /** leaves the function, returning source (which may be undefined) */
  | { op: 'return'; source: Local }

  // -- calls
  /** target := funcs[func](args); fails when the result is undefined */
  | { op: 'call'; func: string; args: Local[]; target: Local }
  /** a builtin, native in the runtime or on the host (the emitter decides); fails when undefined */
  | { op: 'callBuiltin'; name: string; args: Local[]; target: Local }
  /** formats the values (undefined ones as `<undefined>`) separated by spaces and prints them */
  | { op: 'print'; args: Local[] }

  // -- per-evaluation memo of rule values (complete rules are evaluated once per evaluation)
  /** fails when memo[slot] has not been set in this evaluation; else target := memo[slot] (maybe undefined) */
  | { op: 'memoGet'; slot: number; target: Local }
  /** memo[slot] := source (source may be undefined, meaning "computed, undefined") */
  | { op: 'memoSet'; slot: number; source: Local };

/**
 * One generated function. Parameters come first among the locals: a rule takes (input, data); a Rego function
 * takes (input, data, arg1, ..., argN). The body runs; if it ends without `return`, the function returns `result`.
 */
export interface Func {
  name: string;
  params: number;
  locals: number;
  result: Local;
  body: Block;
  /** where it comes from, for error messages and IR dumps: `data.pkg.p` or a comprehension's location */
  origin: string;
}

export interface Plan {
  consts: ConstValue[];
  funcs: Func[];
  /** entrypoint id i is entrypoints[i]; its function takes (input, data) and returns the entrypoint's value */
  entrypoints: Array<{ name: string; func: string }>;
  /** number of memo slots used by memoGet/memoSet; all are cleared at the start of each evaluation */
  memoSlots: number;
}
