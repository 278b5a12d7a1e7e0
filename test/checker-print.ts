// Prints checked rules as compact Rego-like text, so tests can state the checker's output as the reader sees it.
import type { Body, Expr, Rule, Term } from '../rego/syntax/ast.js';

export function showTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return t.value;
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.name;
    case 'ref':
      return showTerm(t.head) + t.path.map((p) => (p.type === 'string' && /^[a-z_][a-z0-9_]*$/i.test(p.value) ? `.${p.value}` : `[${showTerm(p)}]`)).join('');
    case 'array':
      return `[${t.items.map(showTerm).join(', ')}]`;
    case 'set':
      return `{${t.items.map(showTerm).join(', ')}}`;
    case 'object':
      return `{${t.entries.map(([k, v]) => `${showTerm(k)}: ${showTerm(v)}`).join(', ')}}`;
    case 'arraycompr':
      return `[${showTerm(t.term)} | ${showBody(t.body)}]`;
    case 'setcompr':
      return `{${showTerm(t.term)} | ${showBody(t.body)}}`;
    case 'objectcompr':
      return `{${showTerm(t.key)}: ${showTerm(t.value)} | ${showBody(t.body)}}`;
    case 'call':
      return `${t.fn.join('.')}(${t.args.map(showTerm).join(', ')})`;
    case 'template':
      return `$"${t.parts.map((p, i) => p + (i < t.terms.length ? `{${showTerm(t.terms[i])}}` : '')).join('')}"`;
  }
}

export function showExpr(e: Expr): string {
  let s: string;
  switch (e.type) {
    case 'term':
      s = showTerm(e.term);
      break;
    case 'unify':
      s = `${showTerm(e.left)} = ${showTerm(e.right)}`;
      break;
    case 'assign':
      s = `${showTerm(e.left)} := ${showTerm(e.right)}`;
      break;
    case 'some':
      s = `some ${e.vars.map(showTerm).join(', ')}`;
      break;
    case 'somein':
      s = `some ${e.key ? `${showTerm(e.key)}, ` : ''}${showTerm(e.value)} in ${showTerm(e.collection)}`;
      break;
    case 'every':
      s = `every ${e.key ? `${showTerm(e.key)}, ` : ''}${showTerm(e.value)} in ${showTerm(e.domain)} { ${showBody(e.body)} }`;
      break;
    case 'logic':
      s = e.operands.map((operand) => `{ ${showBody(operand)} }`).join(` ${e.op} `);
      break;
  }
  const withs = e.with.map((w) => ` with ${showTerm(w.target)} as ${showTerm(w.value)}`).join('');
  return `${e.negated ? 'not ' : ''}${s}${withs}`;
}

export function showBody(body: Body): string {
  return body.map(showExpr).join('; ');
}

/** `data.a.p[x] = v { body }`, one line per rule (else clauses appended). */
export function showRule(r: Rule): string {
  const h = r.head;
  const path = r.path ? showTerm({ type: 'ref', head: { type: 'var', name: 'data', loc: r.loc }, path: r.path.slice(1), loc: r.loc }) : '?';
  const args = h.args ? `(${h.args.map(showTerm).join(', ')})` : '';
  const key = h.key ? ` contains ${showTerm(h.key)}` : '';
  const value = h.value ? ` = ${showTerm(h.value)}` : '';
  const elses = r.else.map((c) => ` else${c.value ? ` = ${showTerm(c.value)}` : ''} { ${showBody(c.body)} }`).join('');
  return `${r.default ? 'default ' : ''}${path}${args}${key}${value} { ${showBody(r.body)} }${elses}`;
}
