// Several data files build one `data` document. Objects merge key by key; any other value may be written by
// one file only, so that which file wins never depends on load order (opa reports these as merge errors).
/** Two files wrote the same path. */
export class DataConflict extends Error {
    path;
    file;
    previousFile;
    constructor(path, file, previousFile) {
        super(`${file}: data conflict at data.${path.join('.')}: already set by ${previousFile}`);
        this.path = path;
        this.file = file;
        this.previousFile = previousFile;
        this.name = 'DataConflict';
    }
}
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** The merged document, remembering which file wrote each non-object value so a conflict can name it. */
export class DataTree {
    data = {};
    writers = new Map();
    /** Writes `value` at `prefix` (path segments under `data`); throws DataConflict. */
    add(prefix, value, file) {
        if (prefix.length === 0) {
            if (!isObject(value))
                throw new Error(`${file}: data at the root must be an object`);
            this.mergeObject(this.data, [], value, file);
            return;
        }
        const parent = this.objectAt(prefix.slice(0, -1), file);
        this.put(parent, [...prefix], value, file);
    }
    put(parent, path, value, file) {
        const key = path[path.length - 1];
        const existing = Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : undefined;
        if (existing === undefined) {
            parent[key] = isObject(value) ? {} : value;
            if (isObject(value))
                this.mergeObject(parent[key], path, value, file);
            else
                this.writers.set(pathKey(path), file);
            return;
        }
        if (isObject(existing) && isObject(value)) {
            this.mergeObject(existing, path, value, file);
            return;
        }
        throw new DataConflict(path, file, this.writerUnder(path));
    }
    mergeObject(target, path, value, file) {
        for (const [k, v] of Object.entries(value))
            this.put(target, [...path, k], v, file);
    }
    /** The object at `path`, creating empty objects on the way; a non-object on the way is a conflict. */
    objectAt(path, file) {
        let node = this.data;
        for (let i = 0; i < path.length; i++) {
            const key = path[i];
            const next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
            if (next === undefined) {
                node[key] = {};
            }
            else if (!isObject(next)) {
                throw new DataConflict(path.slice(0, i + 1), file, this.writerUnder(path.slice(0, i + 1)));
            }
            node = node[key];
        }
        return node;
    }
    /** Who wrote the value at `path`, or something under it. */
    writerUnder(path) {
        const exact = this.writers.get(pathKey(path));
        if (exact !== undefined)
            return exact;
        const prefix = pathKey(path).slice(0, -1);
        for (const [k, file] of this.writers)
            if (k.startsWith(prefix))
                return file;
        return 'another file';
    }
}
function pathKey(path) {
    return JSON.stringify(path);
}
//# sourceMappingURL=data-merge.js.map