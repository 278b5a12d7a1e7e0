// An in-memory SchemaCatalog for tests and tools: relations and functions declared up front.
import type { RelationInfo, SchemaCatalog } from './catalog.js';

export class MemoryCatalog implements SchemaCatalog {
  private readonly relations = new Map<string, RelationInfo>();
  /** Function name -> the schemas holding one of that name. */
  private readonly functions = new Map<string, Set<string>>();

  /** @param functions schema-qualified function names, e.g. `pg_catalog.count`, `public.refresh_stats` */
  constructor(relations: readonly RelationInfo[] = [], functions: readonly string[] = []) {
    for (const relation of relations) this.add(relation);
    for (const qualified of functions) this.addFunction(qualified);
  }

  addFunction(qualified: string): this {
    const dot = qualified.indexOf('.');
    if (dot <= 0) throw new Error(`function ${qualified} must be schema-qualified`);
    const name = qualified.slice(dot + 1);
    const schemas = this.functions.get(name) ?? new Set<string>();
    schemas.add(qualified.slice(0, dot));
    this.functions.set(name, schemas);
    return this;
  }

  async functionSchemas(name: string): Promise<readonly string[]> {
    return [...(this.functions.get(name) ?? [])];
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
