// The Rego abstract syntax tree. The parser produces it, the checker validates and normalises it, and the
// planner lowers it. Every node carries its source location so that any later stage can point at the text.
//
// Two shapes of the same types exist:
//  - parsed: what the source says (relative refs, imports, `:=`, `some`, wildcards, any expression order);
//  - checked: what `check()` returns, with the invariants listed at `CheckedPolicy` below.
export {};
//# sourceMappingURL=ast.js.map