// Generic traversals of the AST that every checker pass shares: collecting variables and rebuilding terms.
// Comprehensions, `every` bodies and logic operands are "closures": they see the enclosing variables but bind
// their own, so most passes must decide explicitly whether to look inside them.
import { BUILTINS } from '../builtins/catalog.js';
import type { Body, Expr, Location, Rule, Term, VarTerm } from '../syntax/ast.js';

/** The root documents: always bound, never local. */
export const ROOT_DOCUMENTS: ReadonlySet<string> = new Set(['input', 'data']);

function isComprehension(t: Term): boolean {
  return t.type === 'arraycompr' || t.type === 'setcompr' || t.type === 'objectcompr';
}

/** Variable name -> location of its first occurrence, in traversal (source) order. */
export type VarLocations = Map<string, Location>;

function addVar(out: VarLocations, v: VarTerm): void {
  if (!out.has(v.name)) out.set(v.name, v.loc);
}

/** The direct sub-terms of a term, closures' bodies excluded. */
function childTerms(t: Term): Term[] {
  switch (t.type) {
    case 'ref':
      return [t.head, ...t.path];
    case 'array':
    case 'set':
      return t.items;
    case 'object':
      return t.entries.flat();
    case 'call':
      return t.args;
    case 'template':
      return t.terms;
    default:
      return [];
  }
}

/** Variables of a term, not looking inside closures. */
export function termVars(t: Term, out: VarLocations = new Map()): VarLocations {
  if (t.type === 'var') addVar(out, t);
  else for (const c of childTerms(t)) termVars(c, out);
  return out;
}

/** `a.b.c` written as a var or a ref of strings, as a dotted name. */
export function dottedName(t: Term): string | undefined {
  if (t.type === 'var') return t.name;
  if (t.type !== 'ref' || t.head.type !== 'var') return undefined;
  const parts = [t.head.name];
  for (const p of t.path) {
    if (p.type !== 'string') return undefined;
    parts.push(p.value);
  }
  return parts.join('.');
}

/** A `with` value that names a builtin (`with count as sum`) is a function, not a variable; like OPA, such a
 * name always means the builtin. */
function namesBuiltin(t: Term): boolean {
  const name = dottedName(t);
  return name !== undefined && !name.startsWith('data.') && !name.startsWith('input.') && BUILTINS.has(name);
}

/** The terms an expression evaluates in its own scope, without its `with` values (closures' insides excluded). */
export function evaluatedTerms(e: Expr): Term[] {
  switch (e.type) {
    case 'term':
      return [e.term];
    case 'unify':
    case 'assign':
      return [e.left, e.right];
    case 'somein':
      return e.key ? [e.key, e.value, e.collection] : [e.value, e.collection];
    case 'every':
      return [e.domain];
    case 'some':
    case 'logic':
      return [];
  }
}

/** The terms an expression evaluates in its own scope, `with` values included (targets and builtin names given
 * as values excluded). */
function exprOwnTerms(e: Expr): Term[] {
  return [...evaluatedTerms(e), ...e.with.filter((w) => !namesBuiltin(w.value)).map((w) => w.value)];
}

/** Variables an expression uses in its own scope (what OPA's safety check looks at). */
export function exprVars(e: Expr, out: VarLocations = new Map()): VarLocations {
  if (e.type === 'some') for (const v of e.vars) addVar(out, v);
  for (const t of exprOwnTerms(e)) termVars(t, out);
  return out;
}

export function bodyVars(body: Body, out: VarLocations = new Map()): VarLocations {
  for (const e of body) exprVars(e, out);
  return out;
}

/** Every variable anywhere in a term, closures included. */
export function allTermVars(t: Term, out: VarLocations = new Map()): VarLocations {
  switch (t.type) {
    case 'arraycompr':
    case 'setcompr':
      allTermVars(t.term, out);
      allBodyVars(t.body, out);
      return out;
    case 'objectcompr':
      allTermVars(t.key, out);
      allTermVars(t.value, out);
      allBodyVars(t.body, out);
      return out;
    case 'var':
      addVar(out, t);
      return out;
    default:
      for (const c of childTerms(t)) allTermVars(c, out);
      return out;
  }
}

/** Every variable of the scopes an expression opens (an `every`'s key, value and body; logic operands). */
function nestedScopeVars(e: Expr, out: VarLocations): void {
  if (e.type === 'every') {
    if (e.key) allTermVars(e.key, out);
    allTermVars(e.value, out);
    allBodyVars(e.body, out);
  }
  if (e.type === 'logic') for (const operand of e.operands) allBodyVars(operand, out);
}

function allExprVars(e: Expr, out: VarLocations = new Map()): VarLocations {
  if (e.type === 'some') for (const v of e.vars) addVar(out, v);
  for (const t of exprOwnTerms(e)) allTermVars(t, out);
  for (const w of e.with) allTermVars(w.target, out);
  nestedScopeVars(e, out);
  return out;
}

export function allBodyVars(body: Body, out: VarLocations = new Map()): VarLocations {
  for (const e of body) allExprVars(e, out);
  return out;
}

/** Variables that occur inside the closures of an expression (comprehensions, `every`, logic operands), at any
 * depth. */
export function closureVars(e: Expr): VarLocations {
  const out: VarLocations = new Map();
  const visit = (t: Term): void => {
    if (isComprehension(t)) allTermVars(t, out);
    else for (const c of childTerms(t)) visit(c);
  };
  for (const t of exprOwnTerms(e)) visit(t);
  nestedScopeVars(e, out);
  return out;
}

/** Calls `visit` on every ref in a term outside closures, outermost first (nested refs included). */
export function forEachRef(t: Term, visit: (r: Extract<Term, { type: 'ref' }>) => void): void {
  if (t.type === 'ref') visit(t);
  if (!isComprehension(t)) for (const c of childTerms(t)) forEachRef(c, visit);
}

// ---------------------------------------------------------------------------------------------- rebuilding

/**
 * Rebuilds a term top-down. `visit` may return a replacement for a term (its children are then not visited);
 * returning undefined rebuilds the term from its mapped children. Closures are passed to `visit` like any other
 * term; when it returns undefined, their head terms and bodies are mapped with the same function.
 */
export type TermMapper = (t: Term) => Term | undefined;

export function mapTerm(t: Term, visit: TermMapper): Term {
  const replaced = visit(t);
  if (replaced !== undefined) return replaced;
  const m = (x: Term): Term => mapTerm(x, visit);
  switch (t.type) {
    case 'ref':
      return { ...t, head: m(t.head), path: t.path.map(m) };
    case 'array':
      return { ...t, items: t.items.map(m) };
    case 'set':
      return { ...t, items: t.items.map(m) };
    case 'object':
      return { ...t, entries: t.entries.map(([k, v]) => [m(k), m(v)] as [Term, Term]) };
    case 'call':
      return { ...t, args: t.args.map(m) };
    case 'template':
      return { ...t, terms: t.terms.map(m) };
    case 'arraycompr':
    case 'setcompr':
      return { ...t, term: m(t.term), body: mapBody(t.body, visit) };
    case 'objectcompr':
      return { ...t, key: m(t.key), value: m(t.value), body: mapBody(t.body, visit) };
    default:
      return t;
  }
}

type EveryExpr = Extract<Expr, { type: 'every' }>;

/**
 * How `rebuildExpr` rebuilds each part of an expression. Passes that track scopes (resolving names, naming
 * locals, ordering for safety) differ only in what they carry into the scopes an expression opens.
 */
export interface ExprRebuilder {
  /** A term of the expression's own scope: its operands, `with` targets and values. */
  term(t: Term): Term;
  /** The scope an `every` opens: its key, value and body (its domain belongs to the expression's scope). */
  every(e: EveryExpr): Pick<EveryExpr, 'key' | 'value' | 'body'>;
  /** One operand of a logic expression, a scope of its own. */
  operand(body: Body): Body;
}

/** Rebuilds an expression part by part; the variables of a `some` declaration are kept as they are. */
export function rebuildExpr(e: Expr, r: ExprRebuilder): Expr {
  const withs = e.with.map((w) => ({ ...w, target: r.term(w.target), value: r.term(w.value) }));
  switch (e.type) {
    case 'term':
      return { ...e, term: r.term(e.term), with: withs };
    case 'unify':
    case 'assign':
      return { ...e, left: r.term(e.left), right: r.term(e.right), with: withs };
    case 'some':
      return { ...e, with: withs };
    case 'somein':
      return { ...e, key: e.key && r.term(e.key), value: r.term(e.value), collection: r.term(e.collection), with: withs };
    case 'every': {
      const scope = r.every(e);
      return { ...e, ...scope, domain: r.term(e.domain), with: withs };
    }
    case 'logic':
      return { ...e, operands: e.operands.map((operand) => r.operand(operand)), with: withs };
  }
}

function mapExpr(e: Expr, visit: TermMapper): Expr {
  const m = (x: Term): Term => mapTerm(x, visit);
  const rebuilt = rebuildExpr(e, {
    term: m,
    every: (x) => ({ key: x.key && m(x.key), value: m(x.value), body: mapBody(x.body, visit) }),
    operand: (operand) => mapBody(operand, visit),
  });
  return rebuilt.type === 'some' ? { ...rebuilt, vars: rebuilt.vars.map((v) => m(v) as VarTerm) } : rebuilt;
}

function mapBody(body: Body, visit: TermMapper): Body {
  return body.map((e) => mapExpr(e, visit));
}

/** Renames variables everywhere in a term (closures included). */
export function renameInTerm(t: Term, names: ReadonlyMap<string, string>): Term {
  return mapTerm(t, (x) => (x.type === 'var' && names.has(x.name) ? { ...x, name: names.get(x.name)! } : undefined));
}

export function renameInBody(body: Body, names: ReadonlyMap<string, string>): Body {
  return mapBody(body, (x) => (x.type === 'var' && names.has(x.name) ? { ...x, name: names.get(x.name)! } : undefined));
}

/** Variables a pattern binds: vars themselves, and vars inside arrays and object values (keys are inputs). */
export function patternVars(t: Term, out: VarTerm[] = []): VarTerm[] {
  if (t.type === 'var') out.push(t);
  else if (t.type === 'array') for (const i of t.items) patternVars(i, out);
  else if (t.type === 'object') for (const [, v] of t.entries) patternVars(v, out);
  return out;
}

/** A term without variables, refs, calls or closures: a constant. */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isGround);
    case 'object':
      return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    default:
      return false;
  }
}

/** Calls `visit` on every term of a body, at any depth, closures included, `with` targets excluded. */
function visitBodyTerms(body: Body, visit: (t: Term) => void): void {
  for (const e of body) {
    for (const t of exprOwnTerms(e)) visitTerm(t, visit);
    if (e.type === 'every') {
      if (e.key) visitTerm(e.key, visit);
      visitTerm(e.value, visit);
      visitBodyTerms(e.body, visit);
    }
    if (e.type === 'logic') for (const operand of e.operands) visitBodyTerms(operand, visit);
  }
}

export function visitTerm(t: Term, visit: (t: Term) => void): void {
  visit(t);
  switch (t.type) {
    case 'arraycompr':
    case 'setcompr':
      visitTerm(t.term, visit);
      visitBodyTerms(t.body, visit);
      return;
    case 'objectcompr':
      visitTerm(t.key, visit);
      visitTerm(t.value, visit);
      visitBodyTerms(t.body, visit);
      return;
    default:
      for (const c of childTerms(t)) visitTerm(c, visit);
  }
}

/** Every term of a rule: head, bodies, else clauses. */
export function visitRuleTerms(rule: Rule, visit: (t: Term) => void): void {
  const h = rule.head;
  for (const t of [...h.ref.slice(1), ...(h.args ?? []), h.key, h.value]) if (t) visitTerm(t, visit);
  visitBodyTerms(rule.body, visit);
  for (const c of rule.else) {
    if (c.value) visitTerm(c.value, visit);
    visitBodyTerms(c.body, visit);
  }
}

/** Calls `visit` on every expression of a rule: bodies, else clauses, comprehension and `every` bodies. */
export function visitRuleExprs(rule: Rule, visit: (e: Expr) => void): void {
  const inBody = (body: Body): void => {
    for (const e of body) {
      visit(e);
      if (e.type === 'every') inBody(e.body);
      if (e.type === 'logic') e.operands.forEach(inBody);
    }
  };
  inBody(rule.body);
  for (const c of rule.else) inBody(c.body);
  // Comprehensions anywhere (in heads, in bodies at any depth) hold bodies too.
  visitRuleTerms(rule, (t) => {
    if (t.type === 'arraycompr' || t.type === 'setcompr' || t.type === 'objectcompr') inBody(t.body);
  });
}
