// Builtins the runtime does not implement go to the host through OPA's `opa_builtin<N>(id, ctx, args...)`
// imports; the ids are the ones the generated `builtins` export announces to the SDK.
/** OPA's ABI has imports for zero to four arguments. */
export const MAX_HOST_BUILTIN_ARGS = 4;
export class HostBuiltins {
    ids = new Map();
    id(name) {
        let id = this.ids.get(name);
        if (id === undefined) {
            id = this.ids.size;
            this.ids.set(name, id);
        }
        return id;
    }
    /** `{"<builtin name>": id, ...}`, the JSON the `builtins` export returns. */
    json() {
        return JSON.stringify(Object.fromEntries(this.ids));
    }
}
//# sourceMappingURL=host-builtins.js.map