/** The first cycle of calls found, as function names (first repeated at the end); undefined when there is none.
 * `selfRecursive` names functions allowed to call themselves (walks of a finite value). */
export function findCallCycle(funcs, selfRecursive) {
    const callees = new Map(funcs.map((f) => [f.name, calledBy(f.body)]));
    const state = new Map();
    const stack = [];
    const visit = (name) => {
        if (state.get(name) === 'done')
            return undefined;
        if (state.get(name) === 'active')
            return [...stack.slice(stack.indexOf(name)), name];
        state.set(name, 'active');
        stack.push(name);
        for (const callee of callees.get(name) ?? []) {
            if (callee === name && selfRecursive.has(name))
                continue;
            const cycle = visit(callee);
            if (cycle)
                return cycle;
        }
        stack.pop();
        state.set(name, 'done');
        return undefined;
    };
    for (const f of funcs) {
        const cycle = visit(f.name);
        if (cycle)
            return cycle;
    }
    return undefined;
}
function calledBy(block, out = new Set()) {
    for (const s of block) {
        if (s.op === 'call')
            out.add(s.func);
        else if (s.op === 'block' || s.op === 'scan' || s.op === 'not')
            calledBy(s.body, out);
    }
    return out;
}
//# sourceMappingURL=cycles.js.map