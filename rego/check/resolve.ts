// Name resolution: turns every name that denotes a rule of the package or an import into an absolute ref
// (`allow` -> data.pkg.allow, `lib.f(x)` -> data.lib.f(x), `user.name` -> input.user.name) and removes imports.
// As in OPA, a variable declared in the rule (`:=`, `some`, function arguments, `every` keys and values) hides a
// global of the same name everywhere in its body; a variable that is only unified keeps denoting the global.
import { RegoError } from '../errors.js';
import type { Body, Expr, Import, Location, Module, Rule, Term } from '../syntax/ast.js';
import { mapTerm, patternVars, rebuildExpr, ROOT_DOCUMENTS } from './walk.js';

/** What a global name stands for: a root document and the path under it. */
interface GlobalRef {
  root: 'data' | 'input';
  path: string[];
}

type Globals = ReadonlyMap<string, GlobalRef>;

/** Names hidden by local declarations, innermost scope last. */
type Hidden = ReadonlyArray<ReadonlySet<string>>;

const NO_OP_IMPORT_ROOTS = new Set(['future', 'rego']);

function isHidden(hidden: Hidden, name: string): boolean {
  return hidden.some((scope) => scope.has(name));
}

/** The import as a root and string path, or undefined when it is not a plain ref of strings. */
function importTarget(imp: Import): { root: string; path: string[] } | undefined {
  const p = imp.path;
  if (p.type === 'var') return { root: p.name, path: [] };
  if (p.head.type !== 'var') return undefined;
  const path: string[] = [];
  for (const t of p.path) {
    if (t.type !== 'string') return undefined;
    path.push(t.value);
  }
  return { root: p.head.name, path };
}

function importText(imp: Import): string {
  const target = importTarget(imp);
  const text = target ? [target.root, ...target.path].join('.') : '<ref>';
  return imp.alias ? `${text} as ${imp.alias}` : text;
}

/** Imports of one module as globals; reports imports OPA rejects. */
function importGlobals(mod: Module, errors: RegoError[]): Map<string, GlobalRef> {
  const globals = new Map<string, GlobalRef>();
  const seen = new Map<string, Import>();
  for (const imp of mod.imports) {
    const target = importTarget(imp);
    if (target && NO_OP_IMPORT_ROOTS.has(target.root)) continue;
    if (!target || (target.root !== 'data' && target.root !== 'input')) {
      errors.push(new RegoError('rego_compile_error', `invalid import ${importText(imp)}: path must begin with input or data`, imp.loc));
      continue;
    }
    const name = imp.alias ?? target.path[target.path.length - 1] ?? target.root;
    if (ROOT_DOCUMENTS.has(name) && (imp.alias !== undefined || target.path.length > 0)) {
      errors.push(new RegoError('rego_compile_error', `import must not shadow ${name}`, imp.loc));
      continue;
    }
    const earlier = seen.get(name);
    if (earlier) {
      errors.push(new RegoError('rego_compile_error', `import ${importText(imp)} shadows import ${importText(earlier)}`, imp.loc));
      continue;
    }
    seen.set(name, imp);
    // `import input` and `import data` name what they already name; anything else introduces a name.
    if (name !== target.root) globals.set(name, { root: target.root as 'data' | 'input', path: target.path });
  }
  return globals;
}

/** OPA forbids rules named like a root document. */
function checkRuleNames(mod: Module, errors: RegoError[]): void {
  for (const rule of mod.rules) {
    const first = rule.head.ref[0];
    if (first?.type === 'string' && ROOT_DOCUMENTS.has(first.value)) {
      const message = `rules must not shadow ${first.value} (use a different rule name)`;
      errors.push(new RegoError('rego_compile_error', message, rule.loc));
    }
  }
}

/** Rule names (first head segment) of every module, per package. */
function packageRuleNames(modules: readonly Module[]): Map<string, Set<string>> {
  const byPackage = new Map<string, Set<string>>();
  for (const mod of modules) {
    const key = mod.package.path.join('.');
    const names = byPackage.get(key) ?? new Set<string>();
    for (const rule of mod.rules) {
      const first = rule.head.ref[0];
      // A rule named input or data is an error reported elsewhere; it must not hide the root documents.
      if (first?.type === 'string' && !ROOT_DOCUMENTS.has(first.value)) names.add(first.value);
    }
    byPackage.set(key, names);
  }
  return byPackage;
}

/** Variables declared at the top level of a body (not inside its closures). */
function declaredVars(body: Body): Set<string> {
  const names = new Set<string>();
  const addPattern = (t: Term): void => {
    for (const v of patternVars(t)) names.add(v.name);
  };
  for (const e of body) {
    if (e.type === 'assign') addPattern(e.left);
    else if (e.type === 'some') for (const v of e.vars) names.add(v.name);
    else if (e.type === 'somein') {
      if (e.key) addPattern(e.key);
      addPattern(e.value);
    }
  }
  return names;
}

function globalRefTerm(g: GlobalRef, rest: Term[], loc: Location): Term {
  const path: Term[] = g.path.map((value) => ({ type: 'string', value, loc }));
  return { type: 'ref', head: { type: 'var', name: g.root, loc }, path: [...path, ...rest], loc };
}

class Resolver {
  constructor(private readonly globals: Globals) {}

  term(t: Term, hidden: Hidden): Term {
    return mapTerm(t, (x) => this.visit(x, hidden));
  }

  private visit(t: Term, hidden: Hidden): Term | undefined {
    switch (t.type) {
      case 'var': {
        const g = isHidden(hidden, t.name) ? undefined : this.globals.get(t.name);
        return g ? globalRefTerm(g, [], t.loc) : t;
      }
      case 'ref': {
        const path = t.path.map((p) => this.term(p, hidden));
        if (t.head.type === 'var' && !isHidden(hidden, t.head.name)) {
          const g = this.globals.get(t.head.name);
          if (g) return { ...globalRefTerm(g, path, t.loc), loc: t.loc };
        }
        return { ...t, head: this.term(t.head, hidden), path };
      }
      case 'call': {
        const args = t.args.map((a) => this.term(a, hidden));
        const g = isHidden(hidden, t.fn[0]) ? undefined : this.globals.get(t.fn[0]);
        return { ...t, fn: g ? [g.root, ...g.path, ...t.fn.slice(1)] : t.fn, args };
      }
      case 'arraycompr':
      case 'setcompr': {
        const inner = [...hidden, declaredVars(t.body)];
        return { ...t, term: this.term(t.term, inner), body: this.body(t.body, inner) };
      }
      case 'objectcompr': {
        const inner = [...hidden, declaredVars(t.body)];
        return { ...t, key: this.term(t.key, inner), value: this.term(t.value, inner), body: this.body(t.body, inner) };
      }
      default:
        return undefined;
    }
  }

  body(body: Body, hidden: Hidden): Body {
    return body.map((e) => this.expr(e, hidden));
  }

  private expr(e: Expr, hidden: Hidden): Expr {
    return rebuildExpr(e, {
      term: (t) => this.term(t, hidden),
      every: ({ key, value, body }) => {
        const scope = declaredVars(body);
        for (const t of [key, value]) if (t) for (const v of patternVars(t)) scope.add(v.name);
        return { key, value, body: this.body(body, [...hidden, scope]) };
      },
      operand: (operand) => this.body(operand, [...hidden, declaredVars(operand)]),
    });
  }
}

/** Vars of function arguments: they are bound on entry and hide globals. */
function argNames(args: readonly Term[] | undefined): Set<string> {
  const names = new Set<string>();
  const visit = (t: Term): void => {
    if (t.type === 'var') names.add(t.name);
    else if (t.type === 'array') t.items.forEach(visit);
    else if (t.type === 'object') t.entries.forEach(([, v]) => visit(v));
  };
  args?.forEach(visit);
  return names;
}

function resolveRule(rule: Rule, globals: Globals): Rule {
  const resolver = new Resolver(globals);
  const args = argNames(rule.head.args);
  const hidden: Hidden = [args, declaredVars(rule.body)];
  const head = {
    ...rule.head,
    ref: rule.head.ref.map((t, i) => (i === 0 ? t : resolver.term(t, hidden))),
    key: rule.head.key && resolver.term(rule.head.key, hidden),
    value: rule.head.value && resolver.term(rule.head.value, hidden),
  };
  const elses = rule.else.map((c) => {
    const elseHidden: Hidden = [args, declaredVars(c.body)];
    return { ...c, value: c.value && resolver.term(c.value, elseHidden), body: resolver.body(c.body, elseHidden) };
  });
  return { ...rule, head, body: resolver.body(rule.body, hidden), else: elses };
}

/** Resolves every module; the returned modules have no imports. */
export function resolveModules(modules: readonly Module[], errors: RegoError[]): Module[] {
  const rulesByPackage = packageRuleNames(modules);
  return modules.map((mod) => {
    checkRuleNames(mod, errors);
    const globals = new Map<string, GlobalRef>();
    for (const name of rulesByPackage.get(mod.package.path.join('.')) ?? []) {
      globals.set(name, { root: 'data', path: [...mod.package.path, name] });
    }
    for (const [name, g] of importGlobals(mod, errors)) globals.set(name, g);
    return { ...mod, imports: [], rules: mod.rules.map((r) => resolveRule(r, globals)) };
  });
}
