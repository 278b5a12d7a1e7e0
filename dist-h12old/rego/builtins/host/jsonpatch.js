// json.patch: RFC 6902 operations (add, remove, replace, move, copy, test) applied in order to a copy of the
// document. Paths are JSON pointers (RFC 6901) or arrays of path segments, as OPA accepts both.
import { BuiltinError, arr, jsonEqual } from './args.js';
function pointer(v, what) {
    if (Array.isArray(v))
        return v.map((s) => String(s));
    if (typeof v !== 'string')
        throw new BuiltinError(`${what} must be a string or an array`);
    if (v === '')
        return [];
    if (!v.startsWith('/'))
        throw new BuiltinError(`invalid JSON pointer ${JSON.stringify(v)}`);
    return v
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
function arrayIndex(segment, length, allowEnd) {
    if (allowEnd && segment === '-')
        return length;
    if (!/^(0|[1-9]\d*)$/.test(segment))
        throw new BuiltinError(`invalid array index ${JSON.stringify(segment)}`);
    const index = Number(segment);
    if (index > length || (!allowEnd && index === length))
        throw new BuiltinError(`array index ${index} out of range`);
    return index;
}
function isContainer(v) {
    return typeof v === 'object' && v !== null;
}
function child(parent, segment) {
    if (Array.isArray(parent))
        return parent[arrayIndex(segment, parent.length, false)];
    if (isContainer(parent) && Object.hasOwn(parent, segment))
        return parent[segment];
    throw new BuiltinError(`path segment ${JSON.stringify(segment)} not found`);
}
function get(doc, path) {
    return path.reduce(child, doc);
}
/** Returns the new document: a root-level change replaces it. */
function add(doc, path, value) {
    if (path.length === 0)
        return value;
    const parent = get(doc, path.slice(0, -1));
    const last = path[path.length - 1];
    if (Array.isArray(parent))
        parent.splice(arrayIndex(last, parent.length, true), 0, value);
    else if (isContainer(parent))
        parent[last] = value;
    else
        throw new BuiltinError('cannot add to a scalar');
    return doc;
}
function remove(doc, path) {
    if (path.length === 0)
        throw new BuiltinError('cannot remove the root');
    const parent = get(doc, path.slice(0, -1));
    const last = path[path.length - 1];
    const removed = child(parent, last);
    if (Array.isArray(parent))
        parent.splice(arrayIndex(last, parent.length, false), 1);
    else
        delete parent[last];
    return { doc, removed };
}
function isPrefix(prefix, path) {
    return prefix.length < path.length && prefix.every((s, i) => path[i] === s);
}
function applyOne(doc, op) {
    if (!isContainer(op) || Array.isArray(op))
        throw new BuiltinError('each patch must be an object');
    const path = pointer(op.path, 'path');
    switch (op.op) {
        case 'add':
            if (!('value' in op))
                throw new BuiltinError('add needs a value');
            return add(doc, path, structuredClone(op.value));
        case 'remove':
            return remove(doc, path).doc;
        case 'replace':
            if (!('value' in op))
                throw new BuiltinError('replace needs a value');
            get(doc, path);
            return path.length === 0 ? structuredClone(op.value) : add(remove(doc, path).doc, path, structuredClone(op.value));
        case 'move': {
            const from = pointer(op.from, 'from');
            if (isPrefix(from, path))
                throw new BuiltinError('cannot move a value into itself');
            const taken = remove(doc, from);
            return add(taken.doc, path, taken.removed);
        }
        case 'copy':
            return add(doc, path, structuredClone(get(doc, pointer(op.from, 'from'))));
        case 'test':
            if (!jsonEqual(get(doc, path), op.value))
                throw new BuiltinError('test operation failed');
            return doc;
        default:
            throw new BuiltinError(`unknown patch operation ${JSON.stringify(op.op)}`);
    }
}
export function jsonPatch(document, patches) {
    return arr(patches, 2).reduce(applyOne, structuredClone(document));
}
//# sourceMappingURL=jsonpatch.js.map