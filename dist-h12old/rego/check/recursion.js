// Rules and functions may not depend on themselves, directly or through other rules: OPA evaluates neither
// fixpoints nor recursive functions. A reference depends on every rule whose path it may reach: `data.a`
// reaches all rules under a, `data.a.p[x]` reaches rule a.p and rules below it, `data[x].q` every rule q one
// level down.
import { RegoError } from '../errors.js';
import { pathText } from './paths.js';
import { visitRuleTerms } from './walk.js';
function segmentPattern(t) {
    if (t.type === 'string')
        return t.value;
    // Other constants never equal a rule name, but may equal a constant in another path.
    if (t.type === 'number' || t.type === 'boolean')
        return `\0${t.type}:${t.value}`;
    if (t.type === 'null')
        return '\0null';
    return null;
}
function toPattern(path) {
    return path.map(segmentPattern);
}
/** Two patterns may denote overlapping documents when they agree wherever both have a constant segment. */
function overlaps(a, b) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== null && b[i] !== null && a[i] !== b[i])
            return false;
    }
    return true;
}
/** Patterns (without "data") of every data document and user function the rule refers to. */
function referencedPaths(rule) {
    const paths = [];
    // Refs are visited before their heads; a `data` head is part of its ref, not the whole document.
    const refHeads = new WeakSet();
    visitRuleTerms(rule, (t) => {
        if (t.type === 'ref')
            refHeads.add(t.head);
        if (t.type === 'var' && t.name === 'data' && !refHeads.has(t))
            paths.push([]);
        else if (t.type === 'ref' && t.head.type === 'var' && t.head.name === 'data')
            paths.push(toPattern(t.path));
        else if (t.type === 'call' && t.fn[0] === 'data')
            paths.push(t.fn.slice(1));
    });
    return paths;
}
function dependencies(rules) {
    const patterns = new Map(rules.map((r) => [r, toPattern(r.path.slice(1))]));
    const deps = new Map();
    for (const rule of rules) {
        const refs = referencedPaths(rule);
        deps.set(rule, rules.filter((other) => refs.some((ref) => overlaps(ref, patterns.get(other)))));
    }
    return deps;
}
/** The shortest chain of dependencies from `start` back to itself, or undefined. */
function shortestCycle(start, deps) {
    const parent = new Map();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
        const node = queue[i];
        for (const next of deps.get(node) ?? []) {
            if (next === start) {
                const chain = [node];
                while (chain[0] !== start)
                    chain.unshift(parent.get(chain[0]));
                return [...chain, start];
            }
            if (!parent.has(next) && next !== start) {
                parent.set(next, node);
                queue.push(next);
            }
        }
    }
    return undefined;
}
export function checkRecursion(rules) {
    const deps = dependencies(rules);
    const errors = [];
    for (const rule of rules) {
        const cycle = shortestCycle(rule, deps);
        if (!cycle)
            continue;
        const names = cycle.map((r) => pathText(r.path));
        errors.push(new RegoError('rego_recursion_error', `rule ${names[0]} is recursive: ${names.join(' -> ')}`, rule.loc));
    }
    return errors;
}
//# sourceMappingURL=recursion.js.map