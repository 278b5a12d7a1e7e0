// The virtual-document tree: rules grouped by the static (all-string) prefix of their path, hung on a tree of
// path segments under `data`. Base data lives beside it at run time; a node's value is both merged.
import { RegoError } from '../errors.js';
/** Builds the tree; throws RegoError when rules at one path cannot form one document. */
export function buildTree(policy) {
    const root = newNode([]);
    const functions = new Map();
    for (const m of policy.modules)
        nodeAt(root, m.package.path).package ??= m.package.loc;
    for (const rule of policy.rules) {
        const { prefix, rest } = splitPath(rule);
        const node = nodeAt(root, prefix);
        if (rule.kind === 'function') {
            const group = (node.functions ??= { path: prefix, arity: rule.head.args?.length ?? 0, rules: [] });
            if (group.arity !== (rule.head.args?.length ?? 0)) {
                throw new RegoError('rego_type_error', `function ${dotted(prefix)} has arity ${group.arity} and ${rule.head.args?.length ?? 0}`, rule.loc);
            }
            group.rules.push(rule);
            functions.set(dotted(['data', ...prefix]), group);
            continue;
        }
        const group = (node.group ??= { path: prefix, mode: modeOf(rule, rest), rules: [], rest: [] });
        if (group.mode !== modeOf(rule, rest)) {
            throw new RegoError('rego_type_error', `conflicting rules data.${dotted(prefix)} found`, rule.loc);
        }
        group.rules.push(rule);
        group.rest.push(rest);
    }
    return { root, functions };
}
function modeOf(rule, rest) {
    if (rest.length > 0)
        return 'object';
    return rule.head.contains ? 'set' : 'complete';
}
/** The leading string segments after `data`, and the rest. */
function splitPath(rule) {
    const path = rule.path;
    if (!path || path.length < 2 || path[0].type !== 'string' || path[0].value !== 'data') {
        throw new RegoError('rego_compile_error', 'rule without an absolute path (the checker sets it)', rule.loc);
    }
    const prefix = [];
    let i = 1;
    for (; i < path.length; i++) {
        const t = path[i];
        if (t.type !== 'string')
            break;
        prefix.push(t.value);
    }
    return { prefix, rest: path.slice(i) };
}
function newNode(path) {
    return { path, children: new Map() };
}
function nodeAt(root, path) {
    let node = root;
    for (const seg of path) {
        let child = node.children.get(seg);
        if (!child) {
            child = newNode([...node.path, seg]);
            node.children.set(seg, child);
        }
        node = child;
    }
    return node;
}
/** Every rule group at or under `node`, parents before children. */
export function groupsUnder(node) {
    const out = [];
    const visit = (n) => {
        if (n.group)
            out.push(n.group);
        for (const c of n.children.values())
            visit(c);
    };
    visit(node);
    return out;
}
/**
 * The objects that exist under `node` even when no rule gives them a value: packages, and the packages and
 * ref-head objects that hold functions (functions themselves are not documents). Paths relative to `node`.
 */
export function emptyContainersUnder(node) {
    const out = [];
    const visit = (n) => {
        if (n.package && n !== node)
            out.push({ path: n.path.slice(node.path.length), loc: n.package });
        if (n.functions && n !== node)
            out.push({ path: n.path.slice(node.path.length, -1), loc: n.functions.rules[0].loc });
        for (const c of n.children.values())
            visit(c);
    };
    visit(node);
    return out;
}
/** `data.a.b` style text for names and messages; segments that are not identifiers are quoted. */
export function dotted(path) {
    return path
        .map((s, i) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`))
        .join('');
}
export function isPrefix(prefix, path) {
    return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}
//# sourceMappingURL=tree.js.map