// Which prepared statements and portals of a session were allowed, and with what decision: a statement is decided
// at Parse (or SQL PREPARE), and every Bind/Execute of it carries that decision until its lease ends; the first Bind
// after that decides it again. A name the shim does not know as decided is refused, never passed on.
//
// The book must never hold a decision for a name that means something else in Postgres, so a name is never
// redefined here while it may still be open there (the session refuses that, as Postgres would), a name is
// forgotten only once Postgres has answered its Close (DEALLOCATE, CLOSE, DISCARD ALL) without an error, SQL cursors
// are portals (they share the namespace), and portals are forgotten when the transaction that holds them ends.
import type { Cursor } from './analyze/index.js';
import type { PostgresOperation, StatementDescription } from './analyze/operation.js';
import type { Decision, ParameterValue } from './decisions.js';

export interface DecidedStatement {
  readonly decision: Decision;
  /** What the analysis said the statement does: for SQL `EXECUTE name`, which shares the namespace. */
  readonly description: StatementDescription;
  /** A statement held for approval: the operation to ask about again at Execute, with the portal's values. */
  readonly held?: PostgresOperation;
  /** Of a portal of a held statement: its Bind values, which the approval is bound to. */
  readonly parameters?: readonly ParameterValue[];
  /** What to ask the decider again once the decision's lease has passed. */
  readonly lease?: StatementLease;
  /** A COPY ... FROM STDIN: its Execute changes how Postgres reads what follows (copy-in.ts). */
  readonly copyFromClient?: boolean;
  /**
   * Of an EXECUTE, FETCH or MOVE: the block (the number of its ReadyForQuery) it was parsed in. Its description is
   * what the name held then, so it is bound only in that block, where no statement can change the name.
   */
  readonly parsedIn?: number;
}

export interface StatementLease {
  readonly operation: PostgresOperation;
  /** Epoch ms. */
  readonly until: number;
}

/** A Close whose effect is known once Postgres answers ReadyForQuery number `answeredBy`. */
interface PendingClose {
  readonly kind: 'S' | 'P';
  readonly name: string;
  /** What the name held when closed: an unnamed statement or portal made anew since then stays. */
  readonly entry: DecidedStatement | undefined;
  readonly answeredBy: number;
}

export class StatementBook {
  private readonly statements = new Map<string, DecidedStatement>();
  /** Portals: Bind, and SQL DECLARE (a cursor is a portal: they share the namespace). */
  private readonly portals = new Map<string, DecidedStatement>();
  /** Per portal, the number of the ReadyForQuery that ends the block or Query that opened it. */
  private readonly openedBy = new Map<string, number>();
  /** The portals SQL DECLARE opened, as the analysis described them. */
  private readonly declared = new Map<string, Cursor>();
  private pendingCloses: PendingClose[] = [];

  statement(name: string): DecidedStatement | undefined {
    return this.statements.get(name);
  }

  portal(name: string): DecidedStatement | undefined {
    return this.portals.get(name);
  }

  /** The session refuses a Parse of a named statement the book holds, so this only adds or replaces the unnamed one. */
  parsed(name: string, statement: DecidedStatement | undefined): void {
    if (statement) this.statements.set(name, statement);
    else this.statements.delete(name);
  }

  /** A statement decided again after its lease: same name, same statement in Postgres, a fresh decision. */
  renewed(name: string, statement: DecidedStatement): void {
    if (this.statements.has(name)) this.statements.set(name, statement);
  }

  /** The session refuses a Bind to a named portal the book holds, so this only adds or replaces the unnamed one. */
  bound(portal: string, statement: DecidedStatement, openedBy: number): void {
    this.portals.set(portal, statement);
    this.openedBy.set(portal, openedBy);
    this.declared.delete(portal);
  }

  /**
   * Postgres answered ReadyForQuery number `ready` outside a transaction: every portal opened up to then is closed,
   * except cursors WITH HOLD.
   */
  transactionEnded(ready: number): void {
    for (const [name, openedBy] of this.openedBy) {
      if (openedBy <= ready && this.declared.get(name)?.holdable !== true) this.closePortal(name);
    }
  }

  private closePortal(name: string): void {
    this.portals.delete(name);
    this.openedBy.delete(name);
    this.declared.delete(name);
  }

  /**
   * A Close forwarded in the answer ending with ReadyForQuery number `answeredBy`. Until that answer is in, the name
   * is kept: Postgres skips a Close after an error, and a name the book forgot while Postgres kept it could be
   * prepared again here, with the new decision standing for the old statement.
   */
  closing(kind: 'S' | 'P', name: string, answeredBy: number): void {
    this.pendingCloses.push({ kind, name, entry: this.entries(kind).get(name), answeredBy });
  }

  /** Postgres answered ReadyForQuery number `ready`; `failed` when that answer held an error (what ran is unknown). */
  answered(ready: number, failed: boolean): void {
    if (this.pendingCloses.length === 0) return;
    const due = this.pendingCloses.filter((c) => c.answeredBy <= ready);
    if (due.length === 0) return;
    this.pendingCloses = this.pendingCloses.filter((c) => c.answeredBy > ready);
    if (failed) return;
    for (const { kind, name, entry } of due) {
      if (this.entries(kind).get(name) !== entry) continue;
      if (kind === 'S') this.statements.delete(name);
      else this.closePortal(name);
    }
  }

  private entries(kind: 'S' | 'P'): Map<string, DecidedStatement> {
    return kind === 'S' ? this.statements : this.portals;
  }

  /** Named statements as the analysis knows them, for `EXECUTE name` in SQL. */
  descriptions(): Map<string, StatementDescription> {
    const named = new Map<string, StatementDescription>();
    for (const [name, s] of this.statements) if (name !== '') named.set(name, s.description);
    return named;
  }

  /** Named portals as the analysis knows them, for FETCH, MOVE and CLOSE in SQL. */
  cursors(): Map<string, Cursor> {
    const named = new Map<string, Cursor>();
    for (const [name, portal] of this.portals) {
      if (name !== '') named.set(name, this.declared.get(name) ?? { description: portal.description, holdable: false });
    }
    return named;
  }

  /**
   * A SQL batch sent, answered by ReadyForQuery number `answeredBy`: cursors it DECLAREs carry its decision, closed
   * ones are closing. `before` and `after` are the analysis's cursor maps around it.
   */
  sqlCursors(before: ReadonlyMap<string, Cursor>, after: ReadonlyMap<string, Cursor>, decision: Decision, answeredBy: number): void {
    for (const name of before.keys()) if (!after.has(name)) this.closing('P', name, answeredBy);
    for (const [name, cursor] of after) {
      if (before.get(name) === cursor) continue;
      this.portals.set(name, { decision, description: cursor.description });
      this.openedBy.set(name, answeredBy);
      this.declared.set(name, cursor);
    }
  }

  /**
   * A SQL batch sent, answered by ReadyForQuery number `answeredBy`: statements it PREPAREs carry the batch's
   * decision, DEALLOCATEd ones are closing. `before` and `after` are the analysis's prepared maps around the batch.
   */
  sqlPrepared(before: ReadonlyMap<string, StatementDescription>, after: ReadonlyMap<string, StatementDescription>, decision: Decision, answeredBy: number): void {
    for (const name of before.keys()) if (!after.has(name)) this.closing('S', name, answeredBy);
    for (const [name, description] of after) {
      if (before.get(name) !== description) this.statements.set(name, { decision, description });
    }
  }
}
