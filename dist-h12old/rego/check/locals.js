// Declared variables: `:=`, `some x`, `some x in xs`, `every k, v in xs` and wildcards get unique names, so a
// declaration in a comprehension, an `every` body or a logic operand (`{ a := 1 } and { a := 2 }`) may shadow
// an outer variable without the planner having to know about scopes. `some` declarations disappear and `:=`
// becomes unification. Declaring a name twice in one scope, or after using it, is an error, as in OPA.
import { RegoError } from '../errors.js';
import { allBodyVars, allTermVars, mapTerm, ROOT_DOCUMENTS } from './walk.js';
const REDECLARED = {
    seen: (n) => `var ${n} referenced above`,
    assigned: (n) => `var ${n} assigned above`,
    declared: (n) => `var ${n} declared above`,
    arg: (n) => `arg ${n} redeclared`,
};
function newFrame() {
    return { renamed: new Map(), occurrence: new Map(), someDeclared: new Map() };
}
function termTypeName(t) {
    switch (t.type) {
        case 'arraycompr':
        case 'setcompr':
        case 'objectcompr':
            return 'comprehension';
        case 'template':
            return 'string';
        default:
            return t.type;
    }
}
class DeclaredVarRenamer {
    names;
    errors;
    stack = [];
    /** Errors of other rules already in `errors`. */
    errorsBefore;
    constructor(names, errors) {
        this.names = names;
        this.errors = errors;
        this.errorsBefore = errors.length;
    }
    rule(rule) {
        const args = new Map();
        for (const a of rule.head.args ?? [])
            this.markArgs(a, args);
        // The body and each else clause see the arguments, each in a scope of its own.
        const argFrame = () => ({ ...newFrame(), occurrence: new Map(args) });
        const headArgs = rule.head.args?.map((a) => this.renameWildcards(a));
        this.stack.push(argFrame());
        const body = this.body(rule.body);
        const head = {
            ...rule.head,
            args: headArgs,
            ref: rule.head.ref.map((t, i) => (i === 0 ? t : this.term(t))),
            key: rule.head.key && this.term(rule.head.key),
            value: rule.head.value && this.term(rule.head.value),
        };
        this.checkUnusedSome(body, [...head.ref, head.key, head.value]);
        this.stack.pop();
        const elses = rule.else.map((c) => {
            this.stack.push(argFrame());
            const elseBody = this.body(c.body);
            const value = c.value && this.term(c.value);
            this.checkUnusedSome(elseBody, [value]);
            this.stack.pop();
            return { ...c, body: elseBody, value };
        });
        return { ...rule, head, body, else: elses };
    }
    get top() {
        return this.stack[this.stack.length - 1];
    }
    markArgs(t, args) {
        if (t.type === 'var') {
            if (ROOT_DOCUMENTS.has(t.name)) {
                this.errors.push(new RegoError('rego_compile_error', `args must not shadow ${t.name} (use a different variable name)`, t.loc));
            }
            else if (t.name !== '_')
                args.set(t.name, 'arg');
        }
        else if (t.type === 'array')
            t.items.forEach((i) => this.markArgs(i, args));
        else if (t.type === 'object')
            t.entries.forEach(([, v]) => this.markArgs(v, args));
    }
    renameWildcards(t) {
        return mapTerm(t, (x) => (x.type === 'var' && x.name === '_' ? { ...x, name: this.names.wildcard() } : undefined));
    }
    lookup(name) {
        for (let i = this.stack.length - 1; i >= 0; i--) {
            const renamed = this.stack[i].renamed.get(name);
            if (renamed !== undefined)
                return renamed;
        }
        return undefined;
    }
    /** Rewrites uses of variables: declared ones get their unique name, wildcards a fresh one. */
    term(t) {
        return mapTerm(t, (x) => {
            switch (x.type) {
                case 'var':
                    return this.use(x);
                case 'arraycompr':
                case 'setcompr': {
                    this.stack.push(newFrame());
                    const body = this.body(x.body);
                    const term = this.term(x.term);
                    this.checkUnusedSome(body, [term]);
                    this.stack.pop();
                    return { ...x, body, term };
                }
                case 'objectcompr': {
                    this.stack.push(newFrame());
                    const body = this.body(x.body);
                    const key = this.term(x.key);
                    const value = this.term(x.value);
                    this.checkUnusedSome(body, [key, value]);
                    this.stack.pop();
                    return { ...x, body, key, value };
                }
                default:
                    return undefined;
            }
        });
    }
    use(v) {
        if (v.name === '_')
            return { ...v, name: this.names.wildcard() };
        const renamed = this.lookup(v.name);
        if (renamed !== undefined)
            return { ...v, name: renamed };
        if (!this.top.occurrence.has(v.name))
            this.top.occurrence.set(v.name, 'seen');
        return v;
    }
    declare(v, occurrence) {
        if (v.name === '_')
            return { ...v, name: this.names.wildcard() };
        if (ROOT_DOCUMENTS.has(v.name)) {
            this.errors.push(new RegoError('rego_compile_error', `variables must not shadow ${v.name} (use a different variable name)`, v.loc));
            return v;
        }
        const earlier = this.top.occurrence.get(v.name);
        if (earlier !== undefined) {
            this.errors.push(new RegoError('rego_compile_error', REDECLARED[earlier](v.name), v.loc));
            return v;
        }
        const unique = this.names.fresh(v.name);
        this.top.renamed.set(v.name, unique);
        this.top.occurrence.set(v.name, occurrence);
        return { ...v, name: unique };
    }
    /**
     * The left side of `:=` and the key and value of `some ... in` and `every`: vars are declared, arrays and
     * object values are patterns. `:=` accepts nothing else; `some ... in` may also match against values.
     */
    pattern(t, occurrence, strict) {
        switch (t.type) {
            case 'var':
                return this.declare(t, occurrence);
            case 'array':
                return { ...t, items: t.items.map((i) => this.pattern(i, occurrence, strict)) };
            case 'object':
                return { ...t, entries: t.entries.map(([k, v]) => [this.term(k), this.pattern(v, occurrence, strict)]) };
            default:
                if (strict)
                    this.errors.push(new RegoError('rego_compile_error', `cannot assign to ${termTypeName(t)}`, t.loc));
                return this.term(t);
        }
    }
    body(body) {
        const out = [];
        for (const e of body) {
            const rewritten = this.expr(e);
            if (rewritten)
                out.push(rewritten);
        }
        return out;
    }
    expr(e) {
        const withs = () => e.with.map((w) => ({ ...w, target: this.term(w.target), value: this.term(w.value) }));
        switch (e.type) {
            case 'term':
                return { ...e, term: this.term(e.term), with: withs() };
            case 'unify':
                return { ...e, left: this.term(e.left), right: this.term(e.right), with: withs() };
            case 'assign': {
                const right = this.term(e.right);
                const w = withs();
                const left = this.pattern(e.left, 'assigned', true);
                return { type: 'unify', loc: e.loc, negated: e.negated, with: w, left, right };
            }
            case 'some':
                for (const v of e.vars) {
                    const declared = this.declare(v, 'declared');
                    if (declared.name !== v.name)
                        this.top.someDeclared.set(declared.name, { original: v.name, loc: e.loc });
                }
                return undefined;
            case 'somein': {
                const collection = this.term(e.collection);
                const w = withs();
                const key = e.key && this.pattern(e.key, 'declared', false);
                const value = this.pattern(e.value, 'declared', false);
                return { ...e, collection, key, value, with: w };
            }
            case 'every': {
                const domain = this.term(e.domain);
                const w = withs();
                this.stack.push(newFrame());
                const key = e.key && this.pattern(e.key, 'declared', false);
                const value = this.pattern(e.value, 'declared', false);
                const body = this.body(e.body);
                this.checkUnusedSome(body, []);
                this.stack.pop();
                return { ...e, domain, key, value, body, with: w };
            }
            case 'logic': {
                const w = withs();
                const operands = e.operands.map((operand) => {
                    this.stack.push(newFrame());
                    const body = this.body(operand);
                    this.checkUnusedSome(body, []);
                    this.stack.pop();
                    return body;
                });
                return { ...e, operands, with: w };
            }
        }
    }
    /** OPA rejects `some x` when x is used nowhere in its scope (unless the declarations already failed). */
    checkUnusedSome(body, alsoUsedIn) {
        if (this.top.someDeclared.size === 0 || this.errors.length > this.errorsBefore)
            return;
        const used = allBodyVars(body);
        for (const t of alsoUsedIn)
            if (t)
                allTermVars(t, used);
        for (const [unique, decl] of this.top.someDeclared) {
            if (!used.has(unique))
                this.errors.push(new RegoError('rego_compile_error', `declared var ${decl.original} unused`, decl.loc));
        }
    }
}
/** Renames the rule's declared variables and wildcards; reports bad declarations into `errors`. */
export function renameDeclaredVars(rule, names, errors) {
    return new DeclaredVarRenamer(names, errors).rule(rule);
}
//# sourceMappingURL=locals.js.map