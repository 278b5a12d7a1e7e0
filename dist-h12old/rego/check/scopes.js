import { bodyVars, mapTerm, ROOT_DOCUMENTS, renameInBody, renameInTerm, termVars } from './walk.js';
class ScopeNamer {
    names;
    /** Names already owned by some variable of the rule. */
    claimed = new Set();
    constructor(names) {
        this.names = names;
    }
    rule(rule) {
        const h = rule.head;
        const argVars = new Set();
        for (const a of h.args ?? [])
            for (const v of termVars(a).keys())
                argVars.add(v);
        const top = new Set(argVars);
        for (const t of [...h.ref.slice(1), h.key, h.value])
            if (t)
                for (const v of termVars(t).keys())
                    top.add(v);
        for (const v of bodyVars(rule.body).keys())
            top.add(v);
        for (const v of top)
            this.claimed.add(v);
        const inScope = (t) => t && this.closuresInTerm(t, top);
        const head = { ...h, ref: h.ref.map((t) => inScope(t)), key: inScope(h.key), value: inScope(h.value) };
        const body = this.closuresInBody(rule.body, top);
        const elses = rule.else.map((c) => {
            const scope = this.scope([c.value], c.body, argVars);
            return { ...c, value: scope.terms[0], body: scope.body };
        });
        return { ...rule, head, body, else: elses };
    }
    /**
     * A scope: head terms (a comprehension's term, `every` key and value, an else value) and a body, seen from
     * an enclosing scope whose variables are `outer`. Returns them with its locals uniquely named.
     */
    scope(terms, body, outer) {
        const own = bodyVars(body);
        for (const t of terms)
            if (t)
                termVars(t, own);
        const renames = new Map();
        for (const v of own.keys()) {
            if (outer.has(v) || ROOT_DOCUMENTS.has(v))
                continue;
            if (this.claimed.has(v))
                renames.set(v, this.names.fresh(this.names.original(v)));
            this.claimed.add(renames.get(v) ?? v);
        }
        const visible = new Set(outer);
        for (const v of own.keys())
            visible.add(renames.get(v) ?? v);
        const renamedTerms = terms.map((t) => t && this.closuresInTerm(renameInTerm(t, renames), visible));
        return { terms: renamedTerms, body: this.closuresInBody(renameInBody(body, renames), visible) };
    }
    closuresInTerm(t, visible) {
        return mapTerm(t, (x) => {
            switch (x.type) {
                case 'arraycompr':
                case 'setcompr': {
                    const s = this.scope([x.term], x.body, visible);
                    return { ...x, term: s.terms[0], body: s.body };
                }
                case 'objectcompr': {
                    const s = this.scope([x.key, x.value], x.body, visible);
                    return { ...x, key: s.terms[0], value: s.terms[1], body: s.body };
                }
                default:
                    return undefined;
            }
        });
    }
    closuresInBody(body, visible) {
        return body.map((e) => this.closuresInExpr(e, visible));
    }
    closuresInExpr(e, visible) {
        const t = (x) => this.closuresInTerm(x, visible);
        const withs = e.with.map((w) => ({ ...w, value: t(w.value) }));
        switch (e.type) {
            case 'term':
                return { ...e, term: t(e.term), with: withs };
            case 'unify':
            case 'assign':
                return { ...e, left: t(e.left), right: t(e.right), with: withs };
            case 'some':
                return e;
            case 'somein':
                return { ...e, key: e.key && t(e.key), value: t(e.value), collection: t(e.collection), with: withs };
            case 'every': {
                const s = this.scope([e.key, e.value], e.body, visible);
                return { ...e, domain: t(e.domain), key: s.terms[0], value: s.terms[1], body: s.body, with: withs };
            }
            case 'logic':
                return { ...e, operands: e.operands.map((operand) => this.scope([], operand, visible).body), with: withs };
        }
    }
}
/** Gives every variable of the rule a name that no other variable of the rule has. */
export function uniquifyScopes(rule, names) {
    return new ScopeNamer(names).rule(rule);
}
//# sourceMappingURL=scopes.js.map