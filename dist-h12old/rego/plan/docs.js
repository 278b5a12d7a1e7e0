// Reading documents: refs into data walk the virtual-document tree (rules) and base data together; refs into
// any other value dot into it, iterating where the ref has an unbound variable.
import { RegoError } from '../errors.js';
import { locText } from './body.js';
import { isReplaced } from './context.js';
import { stringConst } from './consts.js';
import { containerAt, insertLeaf } from './leaves.js';
import { isPattern, unifyLocal } from './unify.js';
import { dotted, emptyContainersUnder, groupsUnder } from './tree.js';
/**
 * source[path...], scanning where a path term is a pattern (binding it to each key). Inside base data (`inData`),
 * an integer key also finds the object member named by its text (`data.x[2]` reads {"2": ...}), as in OPA, since
 * JSON object keys are strings.
 */
export function walkLocal(bp, source, path, inData = false) {
    let current = source;
    for (const term of path) {
        if (inData && term.type === 'number' && /^-?\d+$/.test(term.value)) {
            current = dotIntegerKey(bp, current, term.value);
            continue;
        }
        if (isPattern(bp, term)) {
            const key = bp.fb.local();
            const value = bp.fb.local();
            const body = [];
            bp.fb.emit({ op: 'scan', source: current, key, value, body });
            bp.fb.enter(body);
            unifyLocal(bp, term, key);
            current = value;
        }
        else {
            const key = bp.evalTerm(term);
            const target = bp.fb.local();
            bp.fb.emit({ op: 'dot', source: current, key, target });
            current = target;
        }
    }
    return current;
}
function dotIntegerKey(bp, source, text) {
    const fb = bp.fb;
    const target = fb.local();
    fb.emit({ op: 'reset', target });
    fb.block(() => fb.emit({ op: 'dot', source, key: bp.constLocal({ type: 'number', text }), target }));
    fb.block(() => {
        fb.emit({ op: 'isUndefined', source: target });
        fb.emit({ op: 'dot', source, key: bp.constLocal(stringConst(text)), target });
    });
    fb.emit({ op: 'isDefined', source: target });
    return target;
}
/** data[path...]: rules where the tree has them, base data elsewhere. */
export function walkData(bp, path) {
    return walkFrom(bp, bp.unit.tree.root, path);
}
function walkFrom(bp, start, path) {
    let node = start;
    let i = 0;
    for (;;) {
        if (isReplaced(bp.scope.ctx, node.path))
            return walkLocal(bp, baseData(bp, node.path), path.slice(i), true);
        if (node.group || i === path.length)
            return walkLocal(bp, nodeValue(bp, node), path.slice(i));
        const term = path[i];
        const child = term.type === 'string' ? node.children.get(term.value) : undefined;
        if (child) {
            node = child;
            i++;
            continue;
        }
        // A constant key that names no rule: only base data can hold it.
        if (term.type === 'string' || term.type === 'number' || term.type === 'boolean' || term.type === 'null') {
            return walkLocal(bp, baseData(bp, node.path), path.slice(i), true);
        }
        if (isPattern(bp, term))
            return walkLocal(bp, nodeValue(bp, node), path.slice(i));
        return dispatch(bp, node, path.slice(i));
    }
}
/**
 * node[key][rest...] for a key known only at run time: one branch per child, so only the document the key names
 * is evaluated (evaluating the whole node could even reach the rule asking). The branches cover the path up to
 * its first iteration, which then continues on their common result.
 */
function dispatch(bp, node, path) {
    const fb = bp.fb;
    const firstPattern = path.findIndex((t, j) => j > 0 && isPattern(bp, t));
    const end = firstPattern < 0 ? path.length : firstPattern;
    const rest = path.slice(1, end);
    const key = bp.evalTerm(path[0]);
    const result = fb.local();
    fb.emit({ op: 'reset', target: result });
    for (const [name, child] of node.children) {
        fb.block(() => bp.nestedVars(() => {
            fb.emit({ op: 'equal', a: key, b: bp.constLocal(stringConst(name)) });
            fb.emit({ op: 'assign', source: walkFrom(bp, child, rest), target: result });
        }));
    }
    fb.block(() => bp.nestedVars(() => {
        fb.emit({ op: 'isUndefined', source: result });
        const base = fb.local();
        fb.emit({ op: 'dot', source: baseData(bp, node.path), key, target: base });
        fb.emit({ op: 'assign', source: walkLocal(bp, base, rest, true), target: result });
    }));
    fb.emit({ op: 'isDefined', source: result });
    return walkLocal(bp, result, path.slice(end));
}
/** The base document at `path` in the data argument (patched by `with` where replaced); fails when absent. */
function baseData(bp, path) {
    let current = bp.scope.data;
    for (const seg of path) {
        const target = bp.fb.local();
        bp.fb.emit({ op: 'dot', source: current, key: bp.constLocal(stringConst(seg)), target });
        current = target;
    }
    return current;
}
/**
 * The whole document at a tree node: the values of every rule group at or under it (those not replaced by `with`;
 * functions are not documents), merged with the base data there.
 */
export function nodeValue(bp, node) {
    const ctx = bp.scope.ctx;
    const groups = groupsUnder(node).filter((g) => !isReplaced(ctx, g.path));
    const containers = emptyContainersUnder(node).filter((c) => !isReplaced(ctx, [...node.path, ...c.path]));
    if (groups.length === 0 && containers.length === 0 && !node.package)
        return baseData(bp, node.path);
    if (node.group && groups.length === 1 && containers.length === 0)
        return bp.callFunc(bp.unit.groupValue(node.group, ctx), []);
    if (node.group && node.group.mode !== 'object') {
        throw new RegoError('rego_type_error', `rule data.${dotted(node.path)} conflicts with rules under it`, node.group.rules[0].loc);
    }
    const fb = bp.fb;
    const doc = fb.local();
    fb.emit({ op: 'makeObject', target: doc });
    for (const c of containers) {
        containerAt(bp, doc, c.path.map((s) => bp.constLocal(stringConst(s))), 'object', locText(c.loc));
    }
    for (const group of groups)
        addGroup(bp, doc, node, group);
    const plain = bp.callFunc(bp.unit.unwrapLeaves(), [doc]);
    const result = fb.local();
    fb.emit({ op: 'assign', source: plain, target: result });
    fb.block(() => {
        const base = baseData(bp, node.path);
        fb.emit({ op: 'assign', source: bp.callFunc(bp.unit.mergeBase(), [plain, base]), target: result });
    });
    return result;
}
/** Writes one group's value into `doc`, the node's document under construction (leaves wrapped). */
function addGroup(bp, doc, node, group) {
    const fb = bp.fb;
    const loc = locText(group.rules[0].loc);
    const keys = () => group.path.slice(node.path.length).map((s) => bp.constLocal(stringConst(s)));
    fb.block(() => {
        if (group.mode === 'complete') {
            const value = bp.callFunc(bp.unit.groupValue(group, bp.scope.ctx), []);
            const k = keys();
            const parent = containerAt(bp, doc, k.slice(0, -1), 'object', loc);
            insertLeaf(bp, parent, k[k.length - 1], value, loc);
            return;
        }
        const target = containerAt(bp, doc, keys(), group.mode === 'set' ? 'set' : 'object', loc);
        bp.callFunc(bp.unit.groupInserter(group, bp.scope.ctx), [target]);
    });
}
//# sourceMappingURL=docs.js.map