import { forEachRef, patternVars, termVars } from './walk.js';
function allIn(vars, safe) {
    for (const v of vars)
        if (!safe.has(v))
            return false;
    return true;
}
/** Variables a ref path binds by iteration: path vars and vars of array/object patterns in the path. */
function pathOutputs(path, out) {
    for (const p of path)
        for (const v of patternVars(p))
            out.add(v.name);
}
/** Variables bound by evaluating the refs of `terms` whose heads are bound (iterated to a fixpoint, since one
 * ref's outputs may bind another ref's head). */
function refOutputs(terms, safe) {
    const out = new Set();
    const bound = (v) => safe.has(v) || out.has(v);
    for (let before = -1; before !== out.size;) {
        before = out.size;
        for (const t of terms) {
            forEachRef(t, (r) => {
                const headBound = r.head.type === 'var' ? bound(r.head.name) : [...termVars(r.head).keys()].every(bound);
                if (headBound)
                    pathOutputs(r.path, out);
            });
        }
    }
    return out;
}
/** The unification part of OPA's safety analysis: which variables `a = b` binds. */
class Unifier {
    safe;
    unified = new Set();
    unknown = new Map();
    constructor(safe) {
        this.safe = safe;
    }
    isSafe(v) {
        return this.safe.has(v) || this.unified.has(v);
    }
    /** A term that can be evaluated: every variable in it (outside closures) is bound. */
    evaluable(t) {
        return [...termVars(t).keys()].every((v) => this.isSafe(v));
    }
    unify(a, b) {
        if (a.type !== 'var' && b.type === 'var')
            return this.unify(b, a);
        if (a.type === 'var')
            return this.unifyVar(a.name, b);
        if (a.type === 'array' && b.type === 'array') {
            if (a.items.length === b.items.length)
                a.items.forEach((x, i) => this.unify(x, b.items[i]));
            return;
        }
        if (a.type === 'object' && b.type === 'object')
            return this.unifyObjects(a.entries, b.entries);
        if (isPattern(a) && !isPattern(b) && this.evaluable(b))
            this.markAllSafe(a);
        else if (isPattern(b) && !isPattern(a) && this.evaluable(a))
            this.markAllSafe(b);
    }
    unifyVar(a, b) {
        if (b.type === 'var') {
            if (this.isSafe(b.name))
                this.markSafe(a);
            else if (this.isSafe(a))
                this.markSafe(b.name);
            else {
                this.markUnknown(a, b.name);
                this.markUnknown(b.name, a);
            }
        }
        else if (isPattern(b)) {
            this.unifyAll(a, b);
        }
        else if (this.evaluable(b)) {
            this.markSafe(a);
        }
    }
    /** Objects unify value by value when they have the same constant keys. */
    unifyObjects(a, b) {
        if (a.length !== b.length)
            return;
        const bByKey = new Map(b.map(([k, v]) => [keyOf(k), v]));
        for (const [k, v] of a) {
            const key = keyOf(k);
            const other = key === undefined ? undefined : bByKey.get(key);
            if (other)
                this.unify(v, other);
        }
    }
    unifyAll(a, pattern) {
        if (this.isSafe(a))
            return this.markAllSafe(pattern);
        const missing = [...termVars(pattern).keys()].filter((v) => !this.isSafe(v));
        if (missing.length === 0)
            this.markSafe(a);
        else
            for (const v of missing)
                this.markUnknown(a, v);
    }
    markAllSafe(pattern) {
        for (const v of patternVars(pattern))
            this.markSafe(v.name);
    }
    markUnknown(a, b) {
        const deps = this.unknown.get(a) ?? new Set();
        deps.add(b);
        this.unknown.set(a, deps);
    }
    markSafe(v) {
        if (this.unified.has(v))
            return;
        this.unified.add(v);
        const deps = this.unknown.get(v);
        this.unknown.delete(v);
        for (const d of deps ?? [])
            this.markSafe(d);
        for (const [other, otherDeps] of [...this.unknown]) {
            if (otherDeps.delete(v) && otherDeps.size === 0)
                this.markSafe(other);
        }
    }
}
/** A scalar object key as a comparable string; undefined for keys that need evaluation. */
function keyOf(k) {
    switch (k.type) {
        case 'string':
        case 'number':
        case 'boolean':
            return `${k.type}:${String(k.value)}`;
        case 'null':
            return 'null';
        default:
            return undefined;
    }
}
function isPattern(t) {
    return t.type === 'array' || t.type === 'object';
}
function unifyOutputs(safe, a, b) {
    const u = new Unifier(safe);
    u.unify(a, b);
    return u.unified;
}
/** The terms an expression evaluates, without its `with` values (those are inputs only). */
function evaluatedTerms(e) {
    switch (e.type) {
        case 'term':
            return [e.term];
        case 'unify':
        case 'assign':
            return [e.left, e.right];
        case 'somein':
            return e.key ? [e.key, e.value, e.collection] : [e.value, e.collection];
        case 'every':
            return [e.domain];
        case 'some':
        case 'logic':
            return [];
    }
}
/** Variables `e` binds when the variables in `safe` are already bound. */
export function outputVars(e, safe, arityOf) {
    if (e.negated)
        return new Set();
    const bound = new Set(safe);
    for (const v of refOutputs(evaluatedTerms(e), safe))
        bound.add(v);
    switch (e.type) {
        case 'term': {
            const t = e.term;
            const arity = t.type === 'call' ? arityOf(t.fn) : undefined;
            if (t.type === 'call' && arity !== undefined && arity >= 0 && t.args.length === arity + 1) {
                const inputs = t.args.slice(0, arity).flatMap((a) => [...termVars(a).keys()]);
                if (allIn(inputs, bound))
                    for (const v of patternVars(t.args[arity]))
                        bound.add(v.name);
            }
            break;
        }
        case 'unify':
        case 'assign':
            for (const v of unifyOutputs(bound, e.left, e.right))
                bound.add(v);
            break;
        case 'somein':
            if (allIn(termVars(e.collection).keys(), bound)) {
                for (const t of [e.key, e.value])
                    if (t)
                        for (const v of patternVars(t))
                            bound.add(v.name);
            }
            break;
        default:
            break;
    }
    for (const v of safe)
        bound.delete(v);
    return bound;
}
//# sourceMappingURL=bindings.js.map