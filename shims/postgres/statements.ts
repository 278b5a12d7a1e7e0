// Which prepared statements and portals of a session were allowed, and with what decision: a statement is decided
// at Parse (or SQL PREPARE), and every Bind/Execute of it carries that decision until its lease ends; the first Bind
// after that decides it again. A name the shim does not know as decided is refused, never passed on.
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
}

export interface StatementLease {
  readonly operation: PostgresOperation;
  /** Epoch ms. */
  readonly until: number;
}

export class StatementBook {
  private readonly statements = new Map<string, DecidedStatement>();
  private readonly portals = new Map<string, DecidedStatement>();

  statement(name: string): DecidedStatement | undefined {
    return this.statements.get(name);
  }

  portal(name: string): DecidedStatement | undefined {
    return this.portals.get(name);
  }

  /** Postgres refuses to redefine a named statement, so an existing entry stays; the unnamed one is replaced. */
  parsed(name: string, statement: DecidedStatement | undefined): void {
    if (name !== '' && this.statements.has(name)) return;
    if (statement) this.statements.set(name, statement);
    else this.statements.delete(name);
  }

  /** A statement decided again after its lease: same name, same statement in Postgres, a fresh decision. */
  renewed(name: string, statement: DecidedStatement): void {
    if (this.statements.has(name)) this.statements.set(name, statement);
  }

  bound(portal: string, statement: DecidedStatement): void {
    if (portal !== '' && this.portals.has(portal)) return;
    this.portals.set(portal, statement);
  }

  closed(kind: 'S' | 'P', name: string): void {
    (kind === 'S' ? this.statements : this.portals).delete(name);
  }

  /** Named statements as the analysis knows them, for `EXECUTE name` in SQL. */
  descriptions(): Map<string, StatementDescription> {
    const named = new Map<string, StatementDescription>();
    for (const [name, s] of this.statements) if (name !== '') named.set(name, s.description);
    return named;
  }

  /**
   * After a SQL batch ran: statements it PREPAREd carry the batch's decision, DEALLOCATEd ones are gone.
   * `before` and `after` are the analysis's prepared maps around the batch.
   */
  sqlPrepared(before: ReadonlyMap<string, StatementDescription>, after: ReadonlyMap<string, StatementDescription>, decision: Decision): void {
    for (const name of before.keys()) if (!after.has(name)) this.statements.delete(name);
    for (const [name, description] of after) {
      if (before.get(name) !== description) this.statements.set(name, { decision, description });
    }
  }
}
