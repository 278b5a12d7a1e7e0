// Typed access to libpg-query's JSON parse tree, where every node is an object with exactly one key: its kind.
import type { Node } from 'libpg-query';
import { AnalysisError } from './errors.js';

type KeysOf<N> = N extends unknown ? keyof N : never;
export type NodeKind = KeysOf<Node>;
export type NodeBody<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

export function kindOf(node: Node): NodeKind {
  for (const key in node) return key as NodeKind;
  throw new AnalysisError('the parse tree has an empty node');
}

/** The node's body when it is of kind `kind`, else undefined. */
export function as<K extends NodeKind>(node: Node | undefined, kind: K): NodeBody<K> | undefined {
  if (node === undefined || !(kind in node)) return undefined;
  return (node as unknown as Record<K, NodeBody<K>>)[kind];
}

/** The text of a String node (names, identifiers); undefined for any other kind. */
export function stringOf(node: Node | undefined): string | undefined {
  return as(node, 'String')?.sval;
}

/** The names of a list of String nodes, e.g. a qualified function name. */
export function names(nodes: readonly Node[] | undefined): string[] {
  return (nodes ?? []).map((n) => {
    const s = stringOf(n);
    if (s === undefined) throw new AnalysisError(`expected a name, found ${kindOf(n)}`);
    return s;
  });
}

/** Items of a List node, or the node itself in a one-element list. */
export function listItems(node: Node | undefined): Node[] {
  if (node === undefined) return [];
  const list = as(node, 'List');
  return list ? (list.items ?? []) : [node];
}

/**
 * Refuses a node that carries a field this analysis does not understand. A new Postgres clause must make the
 * analysis fail, not pass unseen: a clause we skip could read or write what the description leaves out.
 */
export function expectFields(kind: string, body: object, known: ReadonlySet<string>): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key)) throw new AnalysisError(`${kind} has a clause taskgate does not understand (${key})`);
  }
}

/** Every object in a subtree (nodes and the typed fields embedded in them), depth first. */
export function* objectsIn(value: unknown): Generator<Record<string, unknown>> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      yield record;
      for (const key in record) stack.push(record[key]);
    }
  }
}

/** Every node in a subtree, depth first; for generic searches such as "every table this DDL names". */
export function* descendants(value: unknown): Generator<Node> {
  for (const record of objectsIn(value)) {
    const keys = Object.keys(record);
    if (keys.length === 1 && /^[A-Z]/.test(keys[0])) yield record as Node;
  }
}
