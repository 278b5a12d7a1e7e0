// Lowers rule bodies, expressions and terms into one function's IR. Expressions are planned in order into the
// builder's current block; an expression that iterates (a ref with a variable, `some ... in`) leaves the cursor
// inside its scan, so the rest of the body runs once per element and a failure moves on to the next one.
import { RegoError } from '../errors.js';
import type {
  Body, CallTerm, TemplateStringTerm, EveryExpr, Expr, Location, LogicExpr, SomeInExpr, Term,
} from '../syntax/ast.js';
import { BUILTINS } from '../builtins/catalog.js';
import type { Block, ConstValue, Local } from './ir.js';
import { FuncBuilder } from './builder.js';
import { FALSE, TRUE, constOf, stringConst } from './consts.js';
import type { PlanUnit, Scope } from './scope.js';
import { withoutFunctionMocks, type WithContext } from './context.js';
import { isPattern, unify, unifyLocal } from './unify.js';
import { walkData, walkLocal } from './docs.js';
import { planWith } from './with.js';

export class BodyPlanner {
  constructor(
    readonly unit: PlanUnit,
    readonly fb: FuncBuilder,
    public scope: Scope,
  ) {}

  // ------------------------------------------------------------------------------------------- helpers

  constLocal(value: ConstValue): Local {
    const target = this.fb.local();
    this.fb.emit({ op: 'const', index: this.unit.consts.intern(value), target });
    return target;
  }

  /** A statement that always fails. */
  fail(): void {
    this.fb.emit({ op: 'isTrue', source: this.constLocal(FALSE) });
  }

  isBound(name: string): boolean {
    return this.scope.vars.has(name);
  }

  bind(name: string, local: Local): void {
    this.scope.vars.set(name, local);
  }

  /** Runs `fn` with a copy of the variables: bindings made inside a nested body do not leak out. */
  nestedVars<T>(fn: () => T): T {
    const saved = this.scope;
    this.scope = { ...saved, vars: new Map(saved.vars) };
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  withScope<T>(scope: Scope, fn: () => T): T {
    const saved = this.scope;
    this.scope = scope;
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  /** Calls funcs[name] with (input, data, ...carried, ...args). */
  callFunc(name: string, args: Local[]): Local {
    const target = this.fb.local();
    this.fb.emit({ op: 'call', func: name, args: [this.scope.input, this.scope.data, ...this.scope.carried, ...args], target });
    return target;
  }

  // ------------------------------------------------------------------------------------------- bodies

  planBody(body: Body): void {
    for (const expr of body) this.planExpr(expr);
  }

  planExpr(expr: Expr): void {
    if (expr.with.length > 0) {
      planWith(this, expr, () => this.planMaybeNegated(expr));
      return;
    }
    this.planMaybeNegated(expr);
  }

  private planMaybeNegated(expr: Expr): void {
    if (expr.negated) this.negation(() => this.planPositive(expr));
    else this.planPositive(expr);
  }

  /**
   * Succeeds when `plan` finds no solution. The IR's `not` fails as soon as its body runs to its end, which a body
   * that iterates always does (after its scan), so an iterating body records a solution in a flag instead.
   */
  negation(plan: () => void): void {
    const body: Block = [];
    const flag = this.fb.local();
    const iterates = this.fb.inside(body, () =>
      this.nestedVars(() => {
        plan();
        if (this.fb.cursor === body) return false;
        this.fb.emit({ op: 'assign', source: this.constLocal(TRUE), target: flag });
        return true;
      }),
    );
    if (!iterates) {
      this.fb.emit({ op: 'not', body });
      return;
    }
    this.fb.emit({ op: 'reset', target: flag });
    this.fb.emit({ op: 'block', body });
    this.fb.emit({ op: 'isUndefined', source: flag });
  }

  private planPositive(expr: Expr): void {
    switch (expr.type) {
      case 'term':
        this.planTermExpr(expr.term);
        return;
      case 'unify':
      case 'assign':
        unify(this, expr.left, expr.right);
        return;
      case 'some':
        return; // declarations only; the checker normally removes them
      case 'somein':
        this.planSomeIn(expr);
        return;
      case 'every':
        this.planEvery(expr);
        return;
      case 'logic':
        this.planLogic(expr);
        return;
    }
  }

  /**
   * Double negation makes the operators succeed at most once and keeps operand bindings inside:
   * `A and B` is `not not {A; B}`, `A or B` is `not {not A; not B}`, which also skips B once A succeeded.
   */
  private planLogic(expr: LogicExpr): void {
    if (expr.op === 'and') {
      this.negation(() => this.negation(() => expr.operands.forEach((operand) => this.planBody(operand))));
      return;
    }
    this.negation(() => expr.operands.forEach((operand) => this.negation(() => this.planBody(operand))));
  }

  private planTermExpr(term: Term): void {
    if (term.type === 'call') {
      const name = term.fn.join('.');
      if (name === 'print' && !this.scope.ctx.mocks.has(name)) {
        this.planPrint(term);
        return;
      }
      if (MEMBERSHIP.has(name) && !this.scope.ctx.mocks.has(name) && term.args.slice(0, -1).some((a) => isPattern(this, a))) {
        this.planMembershipScan(term.args);
        return;
      }
      const arity = this.arityOf(term);
      if (term.args.length === arity + 1) {
        const out = term.args[arity];
        unifyLocal(this, out, this.evalCall({ ...term, args: term.args.slice(0, arity) }));
        return;
      }
      if ((name === 'equal' || name === 'neq') && term.args.length === 2 && !this.scope.ctx.mocks.has(name)) {
        const [a, b] = this.evalArgs(term.args);
        this.fb.emit({ op: name === 'equal' ? 'equal' : 'notEqual', a, b });
        return;
      }
    }
    this.fb.emit({ op: 'isTrue', source: this.evalTerm(term) });
  }

  /** `x in xs` / `k, v in xs` with unbound variables: iterate xs and match, as `some ... in` does. */
  private planMembershipScan(args: Term[]): void {
    const collection = this.evalTerm(args[args.length - 1]);
    const key = this.fb.local();
    const value = this.fb.local();
    const body: Block = [];
    this.fb.emit({ op: 'scan', source: collection, key, value, body });
    this.fb.enter(body);
    if (args.length === 3) unifyLocal(this, args[0], key);
    unifyLocal(this, args[args.length - 2], value);
  }

  /** `print` never fails: undefined arguments print as `<undefined>`. */
  private planPrint(term: CallTerm): void {
    const args = term.args.map((arg) => {
      const local = this.fb.local();
      this.fb.emit({ op: 'reset', target: local });
      this.fb.block(() => this.nestedVars(() => this.fb.emit({ op: 'assign', source: this.evalTerm(arg), target: local })));
      return local;
    });
    this.fb.emit({ op: 'print', args });
  }

  private planSomeIn(expr: SomeInExpr): void {
    const collection = this.evalTerm(expr.collection);
    const key = this.fb.local();
    const value = this.fb.local();
    const body: Block = [];
    this.fb.emit({ op: 'scan', source: collection, key, value, body });
    this.fb.enter(body);
    if (expr.key) unifyLocal(this, expr.key, key);
    unifyLocal(this, expr.value, value);
  }

  /** True when no element is a counterexample; undefined (fails) when the domain is undefined or not a collection. */
  private planEvery(expr: EveryExpr): void {
    const domain = this.collectionOnly(this.evalTerm(expr.domain));
    const counterexample = this.fb.local();
    this.fb.emit({ op: 'reset', target: counterexample });
    const body: Block = [];
    const key = this.fb.local();
    const value = this.fb.local();
    this.fb.emit({ op: 'scan', source: domain, key, value, body });
    this.fb.inside(body, () =>
      this.nestedVars(() => {
        if (expr.key) unifyLocal(this, expr.key, key);
        unifyLocal(this, expr.value, value);
        this.negation(() => this.planBody(expr.body));
        this.fb.emit({ op: 'assign', source: this.constLocal(TRUE), target: counterexample });
      }),
    );
    this.fb.emit({ op: 'isUndefined', source: counterexample });
  }

  /** The value when it is an array, object or set; fails otherwise. */
  private collectionOnly(source: Local): Local {
    const out = this.fb.local();
    this.fb.emit({ op: 'reset', target: out });
    for (const type of ['array', 'object', 'set'] as const) {
      this.fb.block(() => {
        this.fb.emit({ op: 'isType', source, type });
        this.fb.emit({ op: 'assign', source, target: out });
      });
    }
    this.fb.emit({ op: 'isDefined', source: out });
    return out;
  }

  // ------------------------------------------------------------------------------------------- terms

  /** A local holding the term's value; emits a failing statement where the value is undefined. */
  evalTerm(term: Term): Local {
    const c = constOf(term);
    if (c) return this.constLocal(c);
    switch (term.type) {
      case 'var':
        return this.readVar(term.name, term.loc);
      case 'ref':
        return this.evalRef(term);
      case 'array': {
        const target = this.fb.local();
        this.fb.emit({ op: 'makeArray', capacity: term.items.length, target });
        for (const item of term.items) this.fb.emit({ op: 'arrayAppend', array: target, value: this.evalTerm(item) });
        return target;
      }
      case 'set': {
        const target = this.fb.local();
        this.fb.emit({ op: 'makeSet', target });
        for (const item of term.items) this.fb.emit({ op: 'setAdd', set: target, value: this.evalTerm(item) });
        return target;
      }
      case 'object': {
        const target = this.fb.local();
        this.fb.emit({ op: 'makeObject', target });
        for (const [k, v] of term.entries) {
          this.fb.emit({ op: 'objectInsert', object: target, key: this.evalTerm(k), value: this.evalTerm(v) });
        }
        return target;
      }
      case 'arraycompr':
        return this.comprehension('makeArray', term.body, (acc) =>
          this.fb.emit({ op: 'arrayAppend', array: acc, value: this.evalTerm(term.term) }),
        );
      case 'setcompr':
        return this.comprehension('makeSet', term.body, (acc) =>
          this.fb.emit({ op: 'setAdd', set: acc, value: this.evalTerm(term.term) }),
        );
      case 'objectcompr':
        return this.comprehension('makeObject', term.body, (acc) => {
          const key = this.evalTerm(term.key);
          const value = this.evalTerm(term.value);
          this.fb.emit({ op: 'objectInsertOnce', object: acc, key, value, loc: locText(term.loc) });
        });
      case 'call':
        return this.evalCall(term);
      case 'template':
        return this.template(term);
      default:
        throw new RegoError('rego_compile_error', `cannot plan term ${term.type}`, term.loc);
    }
  }

  /** The comprehension's body runs in a nested block: a failure there skips one element, not the expression. */
  private comprehension(make: 'makeArray' | 'makeSet' | 'makeObject', body: Body, add: (acc: Local) => void): Local {
    const acc = this.fb.local();
    this.fb.emit(make === 'makeArray' ? { op: make, capacity: 0, target: acc } : { op: make, target: acc });
    this.fb.block(() =>
      this.nestedVars(() => {
        this.planBody(body);
        add(acc);
      }),
    );
    return acc;
  }

  readVar(name: string, loc: Location): Local {
    if (name === 'input') {
      this.fb.emit({ op: 'isDefined', source: this.scope.input });
      return this.scope.input;
    }
    if (name === 'data') return walkData(this, []);
    const local = this.scope.vars.get(name);
    if (local === undefined) throw new RegoError('rego_unsafe_var_error', `var ${name} is unsafe`, loc);
    return local;
  }

  private evalRef(term: Extract<Term, { type: 'ref' }>): Local {
    const head = term.head;
    if (head.type === 'var' && head.name === 'data') return walkData(this, term.path);
    return walkLocal(this, this.evalTerm(head), term.path);
  }

  arityOf(call: CallTerm): number {
    const name = call.fn.join('.');
    if (call.fn[0] === 'data') {
      const fn = this.unit.tree.functions.get(name);
      if (!fn) throw new RegoError('rego_type_error', `undefined function ${name}`, call.loc);
      return fn.arity;
    }
    const spec = BUILTINS.get(name);
    if (!spec) throw new RegoError('rego_type_error', `undefined function ${name}`, call.loc);
    return spec.arity < 0 ? call.args.length : spec.arity;
  }

  /**
   * Call arguments, bare variables last: `x == xs[x]` binds x by iterating xs, so the ref must come first.
   */
  evalArgs(args: readonly Term[]): Local[] {
    const locals: Local[] = new Array<Local>(args.length);
    const later: number[] = [];
    args.forEach((arg, i) => {
      if (arg.type === 'var' && isPattern(this, arg)) later.push(i);
      else locals[i] = this.evalTerm(arg);
    });
    for (const i of later) locals[i] = this.evalTerm(args[i]);
    return locals;
  }

  /**
   * `$"a {x} b"` joins its text with each embedded value printed as OPA prints it, by the runtime's native
   * internal.template_value (a string as is, any other value as Rego text, sets included, which a host builtin
   * could not see through the SDK's JSON); an undefined embedded value prints as `<undefined>` instead of making
   * the string undefined.
   */
  private template(term: TemplateStringTerm): Local {
    const pieces = this.fb.local();
    this.fb.emit({ op: 'makeArray', capacity: term.parts.length + term.terms.length, target: pieces });
    term.parts.forEach((part, i) => {
      this.fb.emit({ op: 'arrayAppend', array: pieces, value: this.constLocal(stringConst(part)) });
      if (i >= term.terms.length) return;
      const shown = this.constLocal(stringConst('<undefined>'));
      this.fb.block(() =>
        this.nestedVars(() => {
          const printed = this.fb.local();
          this.fb.emit({ op: 'callBuiltin', name: 'internal.template_value', args: [this.evalTerm(term.terms[i])], target: printed });
          this.fb.emit({ op: 'assign', source: printed, target: shown });
        }),
      );
      this.fb.emit({ op: 'arrayAppend', array: pieces, value: shown });
    });
    const target = this.fb.local();
    this.fb.emit({ op: 'callBuiltin', name: 'concat', args: [this.constLocal(stringConst('')), pieces], target });
    return target;
  }

  /** The value of a call (without an output argument), honouring the context's function mocks. */
  evalCall(call: CallTerm): Local {
    return this.callByName(call.fn.join('.'), call, this.scope.ctx);
  }

  private callByName(name: string, call: CallTerm, ctx: WithContext): Local {
    const mock = ctx.mocks.get(name);
    if (mock?.kind === 'function') return this.callByName(mock.target, call, withoutFunctionMocks(ctx));
    if (mock?.kind === 'value') {
      // The replaced call still needs its arguments defined.
      for (const a of call.args) this.evalTerm(a);
      return this.scope.carried[mock.carried];
    }
    const args = this.evalArgs(call.args);
    if (name.startsWith('data.')) {
      const fn = this.unit.tree.functions.get(name);
      if (!fn) throw new RegoError('rego_type_error', `undefined function ${name}`, call.loc);
      if (fn.arity !== args.length) {
        throw new RegoError('rego_type_error', `function ${name} takes ${fn.arity} arguments, ${args.length} given`, call.loc);
      }
      return this.callFunc(this.unit.userFunction(fn, ctx), args);
    }
    const target = this.fb.local();
    this.fb.emit({ op: 'callBuiltin', name, args, target });
    return RELATIONS.has(name) ? this.eachElement(target) : target;
  }

  /** Iterates the array a relation's native returns: the rest of the body runs once per element. */
  private eachElement(array: Local): Local {
    const element = this.fb.local();
    const body: Block = [];
    this.fb.emit({ op: 'scan', source: array, key: this.fb.local(), value: element, body });
    this.fb.enter(body);
    return element;
  }
}

const MEMBERSHIP = new Set(['internal.member_2', 'internal.member_3']);

/** Builtins that are relations: their native returns the array of their results, each one a solution. */
const RELATIONS = new Set(['walk']);

export function locText(loc: Location): string {
  return `${loc.file}:${loc.row}:${loc.col}`;
}
