// An in-memory SchemaCatalog for tests and tools: relations declared up front.
import type { RelationInfo, SchemaCatalog } from './catalog.js';

export class MemoryCatalog implements SchemaCatalog {
  private readonly relations = new Map<string, RelationInfo>();

  constructor(relations: readonly RelationInfo[] = []) {
    for (const relation of relations) this.add(relation);
  }

  add(relation: RelationInfo): this {
    this.relations.set(key(relation.schema, relation.name), relation);
    return this;
  }

  async relation(schema: string, name: string): Promise<RelationInfo | undefined> {
    return this.relations.get(key(schema, name));
  }
}

/** Shorthand for a table: `table('public', 'users', ['id', 'email'])`. */
export function table(schema: string, name: string, columns: readonly string[]): RelationInfo {
  return { schema, name, kind: 'table', columns };
}

/** Shorthand for a view; `definition` must name its relations schema-qualified, as pg_get_viewdef does. */
export function view(schema: string, name: string, columns: readonly string[], definition: string): RelationInfo {
  return { schema, name, kind: 'view', columns, definition };
}

function key(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}
