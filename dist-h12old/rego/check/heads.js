import { visitTerm } from './walk.js';
function needsEvaluation(t) {
    let found = false;
    visitTerm(t, (x) => {
        if (x.type === 'ref' || x.type === 'call' || x.type === 'arraycompr' || x.type === 'setcompr' || x.type === 'objectcompr')
            found = true;
    });
    return found;
}
class HeadMover {
    names;
    moved = [];
    constructor(names) {
        this.names = names;
    }
    term(t) {
        if (t === undefined || !needsEvaluation(t))
            return t;
        const v = { type: 'var', name: this.names.wildcard(), loc: t.loc };
        this.moved.push({ type: 'unify', loc: t.loc, negated: false, with: [], left: v, right: t });
        return v;
    }
}
export function moveHeadTermsToBody(rule, names) {
    if (rule.default)
        return rule;
    const main = new HeadMover(names);
    const head = {
        ...rule.head,
        ref: rule.head.ref.map((t, i) => (i === 0 ? t : main.term(t))),
        key: main.term(rule.head.key),
        value: main.term(rule.head.value),
    };
    const body = [...rule.body, ...main.moved];
    const elses = rule.else.map((c) => {
        const mover = new HeadMover(names);
        const value = mover.term(c.value);
        return { ...c, value, body: [...c.body, ...mover.moved] };
    });
    return { ...rule, head, body, else: elses };
}
//# sourceMappingURL=heads.js.map