import { constOf, numberConst } from './consts.js';
/** True when matching the term binds a variable: it is an unbound variable or a collection holding one. */
export function isPattern(bp, term) {
    switch (term.type) {
        case 'var':
            return term.name !== 'input' && term.name !== 'data' && !bp.isBound(term.name);
        case 'array':
            return term.items.some((t) => isPattern(bp, t));
        case 'object':
            return term.entries.some(([, v]) => isPattern(bp, v));
        default:
            return false;
    }
}
export function unify(bp, left, right) {
    const lp = isPattern(bp, left);
    const rp = isPattern(bp, right);
    if (lp && rp) {
        if (left.type === 'array' && right.type === 'array')
            return unifyArrays(bp, left.items, right.items);
        if (left.type === 'object' && right.type === 'object')
            return unifyObjects(bp, left.entries, right.entries);
        // One side is a bare variable: it takes the other side's value only if that side can be evaluated, which a
        // pattern cannot; the checker rejects such bodies as unsafe.
        if (left.type === 'var')
            return unifyLocal(bp, left, bp.evalTerm(right));
        return unifyLocal(bp, right, bp.evalTerm(left));
    }
    if (lp)
        return unifyLocal(bp, left, bp.evalTerm(right));
    if (rp)
        return unifyLocal(bp, right, bp.evalTerm(left));
    const a = bp.evalTerm(left);
    const b = bp.evalTerm(right);
    bp.fb.emit({ op: 'equal', a, b });
}
function unifyArrays(bp, left, right) {
    if (left.length !== right.length)
        return bp.fail();
    // Ground pairs first, so that a pair needing a variable bound by another pair finds it bound.
    const order = left.map((_, i) => i).sort((i, j) => rank(bp, left[i], right[i]) - rank(bp, left[j], right[j]));
    for (const i of order)
        unify(bp, left[i], right[i]);
}
function rank(bp, a, b) {
    return (isPattern(bp, a) ? 1 : 0) + (isPattern(bp, b) ? 1 : 0);
}
function unifyObjects(bp, left, right) {
    if (left.length !== right.length)
        return bp.fail();
    const keyOf = (t) => {
        const c = constOf(t);
        return c && JSON.stringify(c);
    };
    const rightByKey = new Map();
    for (const [k, v] of right) {
        const key = keyOf(k);
        if (key === undefined)
            return unifyLocal(bp, { type: 'object', entries: left, loc: k.loc }, bp.evalTerm({ type: 'object', entries: right, loc: k.loc }));
        rightByKey.set(key, v);
    }
    for (const [k, v] of left) {
        const key = keyOf(k);
        const other = key === undefined ? undefined : rightByKey.get(key);
        if (other === undefined)
            return bp.fail();
        unify(bp, v, other);
    }
}
/** Matches `pattern` against the value in `value`, binding the pattern's unbound variables. */
export function unifyLocal(bp, pattern, value) {
    if (!isPattern(bp, pattern)) {
        bp.fb.emit({ op: 'equal', a: bp.evalTerm(pattern), b: value });
        return;
    }
    switch (pattern.type) {
        case 'var':
            bp.bind(pattern.name, value);
            return;
        case 'array': {
            bp.fb.emit({ op: 'isType', source: value, type: 'array' });
            expectLength(bp, value, pattern.items.length);
            pattern.items.forEach((item, i) => {
                const element = bp.fb.local();
                bp.fb.emit({ op: 'dot', source: value, key: bp.constLocal(numberConst(i)), target: element });
                unifyLocal(bp, item, element);
            });
            return;
        }
        case 'object': {
            bp.fb.emit({ op: 'isType', source: value, type: 'object' });
            expectLength(bp, value, pattern.entries.length);
            for (const [k, v] of pattern.entries) {
                const member = bp.fb.local();
                bp.fb.emit({ op: 'dot', source: value, key: bp.evalTerm(k), target: member });
                unifyLocal(bp, v, member);
            }
            return;
        }
        default:
            bp.fb.emit({ op: 'equal', a: bp.evalTerm(pattern), b: value });
    }
}
function expectLength(bp, value, n) {
    const length = bp.fb.local();
    bp.fb.emit({ op: 'len', source: value, target: length });
    bp.fb.emit({ op: 'equal', a: length, b: bp.constLocal(numberConst(n)) });
}
/**
 * True when matching `pattern` needs nothing the body binds: its unbound variables all sit where matching binds
 * them. A function argument like `$"{x}"` with x bound by the body is compared after the body instead.
 */
export function matchableNow(bp, pattern) {
    switch (pattern.type) {
        case 'var':
            return true;
        case 'array':
            return pattern.items.every((t) => matchableNow(bp, t));
        case 'object':
            return pattern.entries.every(([k, v]) => freeVars(k).every((n) => bp.isBound(n)) && matchableNow(bp, v));
        default:
            return freeVars(pattern).every((n) => bp.isBound(n));
    }
}
/** Variables a term reads, not counting those local to its comprehensions. */
function freeVars(term, out = []) {
    switch (term.type) {
        case 'var':
            if (term.name !== 'input' && term.name !== 'data')
                out.push(term.name);
            break;
        case 'ref':
            freeVars(term.head, out);
            term.path.forEach((t) => freeVars(t, out));
            break;
        case 'array':
        case 'set':
            term.items.forEach((t) => freeVars(t, out));
            break;
        case 'object':
            term.entries.forEach(([k, v]) => (freeVars(k, out), freeVars(v, out)));
            break;
        case 'call':
            term.args.forEach((t) => freeVars(t, out));
            break;
        case 'template':
            term.terms.forEach((t) => freeVars(t, out));
            break;
        default:
            break;
    }
    return out;
}
//# sourceMappingURL=unify.js.map