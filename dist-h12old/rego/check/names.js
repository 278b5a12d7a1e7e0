import { allBodyVars, allTermVars } from './walk.js';
export class LocalNames {
    taken;
    originals = new Map();
    counter = 0;
    constructor(rule) {
        this.taken = new Set(ruleVarNames(rule).keys());
    }
    /** `x` -> `x__1`: a declared variable's unique name. */
    fresh(original) {
        return this.generate((n) => `${original}__${n}`, original);
    }
    /** `_` -> `$1`: every wildcard is a distinct variable. */
    wildcard() {
        return this.generate((n) => `$${n}`, '_');
    }
    /** The name the author wrote for a (possibly generated) variable. */
    original(name) {
        return this.originals.get(name) ?? name;
    }
    generate(format, original) {
        let name;
        do
            name = format(++this.counter);
        while (this.taken.has(name));
        this.taken.add(name);
        this.originals.set(name, this.original(original));
        return name;
    }
}
/** Every variable in a rule: head, arguments, bodies, else clauses, closures. */
function ruleVarNames(rule) {
    const out = new Map();
    const h = rule.head;
    for (const t of [...h.ref, ...(h.args ?? []), h.key, h.value])
        if (t)
            allTermVars(t, out);
    allBodyVars(rule.body, out);
    for (const c of rule.else) {
        if (c.value)
            allTermVars(c.value, out);
        allBodyVars(c.body, out);
    }
    return out;
}
//# sourceMappingURL=names.js.map