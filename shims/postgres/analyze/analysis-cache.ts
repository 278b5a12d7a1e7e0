// Analyses by statement shape, shared by a shim's sessions: a shape (normalize.ts) is analysed once per search_path
// and user, not once per execution. Only analyses that depend on nothing but the text, the names in scope and the
// catalog are kept (reads and writes of rows); the shim clears the cache whenever it clears the catalog (after DDL).
import { analyzeBatch, mayChangeSearchPath, type AnalyzeOptions, type BatchAnalysis, type PostgresOperation } from './index.js';
import type { SchemaCatalog } from './catalog.js';

/** Commands whose analysis neither changes nor depends on session state beyond the search_path and user. */
const CACHEABLE_COMMANDS: ReadonlySet<string> = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'VALUES', 'TABLE']);
const DEFAULT_CAPACITY = 2_000;

export interface CacheScope {
  /** The session's standard_conforming_strings, under which the text was read. */
  readonly standardConformingStrings: boolean;
}

export class AnalysisCache {
  /** Least recently used first (a Map keeps insertion order; a hit is moved to the end). */
  private readonly entries = new Map<string, PostgresOperation>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** analyzeBatch(), answered from the cache when the same text was analysed in the same scope. */
  async analyze(text: string, catalog: SchemaCatalog, options: AnalyzeOptions, scope: CacheScope): Promise<BatchAnalysis> {
    const key = cacheKey(text, options, scope);
    const hit = this.hit(key);
    // Cached analyses change and use no prepared statements or cursors: the session's stay as they were.
    if (hit !== undefined) return { operation: hit, prepared: new Map(options.prepared ?? []), cursors: new Map(options.cursors ?? []), usesSessionNames: false };
    const analysis = await analyzeBatch(text, catalog, options);
    if (isCacheable(text, analysis)) {
      this.entries.set(key, analysis.operation);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    return analysis;
  }

  /**
   * The cached analysis of `text` in this scope, without waiting: for the shim's path that needs nothing else.
   * Like every cached analysis, it changes no prepared statements.
   */
  cached(text: string, options: AnalyzeOptions, scope: CacheScope): PostgresOperation | undefined {
    return this.hit(cacheKey(text, options, scope));
  }

  private hit(key: string): PostgresOperation | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  clear(): void {
    this.entries.clear();
  }
}

function cacheKey(text: string, options: AnalyzeOptions, scope: CacheScope): string {
  return JSON.stringify([text, options.searchPath ?? null, options.currentUser ?? null, options.sessionUser ?? null, scope.standardConformingStrings]);
}

/**
 * PREPARE, EXECUTE and DEALLOCATE are described as the statement they prepare or run (its command), but what they
 * mean depends on the session's prepared statements: a text that names them anywhere is never cached.
 */
const PREPARED_STATEMENT_WORDS = /prepare|execute|deallocate/i;

function isCacheable(text: string, analysis: BatchAnalysis): boolean {
  if (PREPARED_STATEMENT_WORDS.test(text)) return false;
  return analysis.operation.statements.every(
    (s) => CACHEABLE_COMMANDS.has(s.command) && !s.functions.some(mayChangeSearchPath),
  );
}
