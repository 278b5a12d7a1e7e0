// The planner's output and the emitter's input: a small imperative IR in the spirit of OPA's planner IR.
//
// Control flow is structured, as in WASM. A `Block` is a list of statements run in order. Any statement that
// "fails" (a lookup that finds nothing, an equality that does not hold, a call whose result is undefined...)
// leaves the innermost enclosing block at once; execution goes on after that block. That single rule is how
// Rego's semantics map onto loops: a rule body is a block, each expression a statement, iteration a `scan` whose
// body is the rest of the rule body, so a failed expression moves on to the next element.
//
// Every local holds a value pointer (a WASM i32; 0 means undefined). Locals are numbered per function.
export {};
//# sourceMappingURL=ir.js.map