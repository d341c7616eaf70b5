import pg from 'pg';
import type { SqlValue, Statement } from './sql.js';

// Several statements in one round trip of PostgreSQL's extended protocol, each a prepared
// statement. node-postgres sends one statement per round trip; its simple protocol takes several
// in one message, but only with their values written in, and the server then parses and plans
// every one of them on every call. Here the messages of every statement (Bind, Describe,
// Execute; Parse too, the first time a connection sees a text) go out in one write, closed by
// one Sync, and the server runs them in order: each is a statement of its own (under READ
// COMMITTED it sees what committed before it began), and the first that fails ends the batch.
// Outside a transaction, a batch up to its Sync is one implicit transaction: all or nothing.
// pg-batch.test.ts holds these on a real server.

/** A text as PostgreSQL is given it: its placeholders numbered, and its name, the same on every connection. */
interface Named {
  name: string;
  text: string;
}

/** Each text a name of its own, the same for the life of the process. */
const named = new Map<string, Named>();
function pgText(text: string): Named {
  let found = named.get(text);
  if (!found) {
    let n = 0;
    found = { name: `hot_${named.size}`, text: text.replace(/\?/g, () => `$${++n}`) };
    named.set(text, found);
  }
  return found;
}

/** The names a connection has prepared: the server confirmed each one's Parse. */
const preparedOn = new WeakMap<pg.Connection, Set<string>>();

/** What a batch's values are parsed with: the client's own type parsers. */
type TypeParsers = Pick<pg.ClientBase, 'getTypeParser'>;
type TypeId = Parameters<TypeParsers['getTypeParser']>[0];

/** The rows a CommandComplete's tag reports (`INSERT 0 3`, `UPDATE 2`, `SELECT 5`), or 0 (`BEGIN`). */
const rowCountOf = (tag: string): number => Number(/ (\d+)$/.exec(tag)?.[1] ?? 0);

/** One statement's answer. */
export interface BatchResult {
  rows: unknown[];
  /** Rows it changed (or returned); 0 for statements that report none. */
  rowCount: number;
}

/**
 * A node-postgres Submittable (the interface its cursors use) that runs `statements` in one
 * round trip and resolves with each one's result, or rejects with the first error.
 */
class Batch implements pg.Submittable {
  private readonly results: BatchResult[] = [];
  /** The current statement's columns, each with its parser, once its RowDescription came. */
  private columns: { name: string; parse: (text: string) => unknown }[] = [];
  private rows: unknown[] = [];
  private failure: unknown;
  /** Stops following the connection's ParseComplete messages; set while the batch is on the wire. */
  private detach: (() => void) | undefined;

  constructor(
    private readonly statements: readonly Statement[],
    private readonly types: TypeParsers,
    private readonly settle: (error: unknown, results?: BatchResult[]) => void,
  ) {}

  submit(connection: pg.Connection): void {
    let prepared = preparedOn.get(connection);
    if (!prepared) preparedOn.set(connection, (prepared = new Set()));
    const known = prepared;
    // Names whose Parse went out in this batch, not yet confirmed, in order: each ParseComplete confirms the first.
    const parsing: string[] = [];
    const parsed = () => {
      const name = parsing.shift();
      if (name !== undefined) known.add(name);
    };
    connection.on('parseComplete', parsed);
    this.detach = () => connection.removeListener('parseComplete', parsed);
    connection.stream.cork();
    try {
      for (const { text, params } of this.statements) {
        const statement = pgText(text);
        if (!known.has(statement.name) && !parsing.includes(statement.name)) {
          connection.parse({ name: statement.name, text: statement.text, types: [] }, true);
          parsing.push(statement.name);
        }
        connection.bind({ statement: statement.name, values: params.map(wireValue) }, true);
        connection.describe({ type: 'P', name: '' }, true);
        connection.execute({ portal: '' }, true);
      }
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  handleRowDescription(message: { fields: pg.FieldDef[] }): void {
    this.columns = message.fields.map((field) => ({
      name: field.name,
      // pg-types names the built-in types' oids as an enum; any other oid gets the identity parser.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the server's oid, whatever type it names
      parse: this.types.getTypeParser(field.dataTypeID as TypeId, 'text') as (text: string) => unknown,
    }));
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.failure !== undefined) return;
    try {
      const row: Record<string, unknown> = {};
      for (const [i, { name, parse }] of this.columns.entries()) {
        const value = message.fields[i];
        row[name] = value === null || value === undefined ? null : parse(value);
      }
      this.rows.push(row);
    } catch (error) {
      // A value its parser refused: the batch runs on to its end, then reports this.
      this.failure = error;
    }
  }

  handleCommandComplete(message: { text: string }): void {
    this.results.push({ rows: this.rows, rowCount: rowCountOf(message.text) });
    this.columns = [];
    this.rows = [];
  }

  handleEmptyQuery(): void {
    this.results.push({ rows: [], rowCount: 0 });
  }

  /** The server's error (the rest of the batch was skipped) or the connection's loss. */
  handleError(error: unknown): void {
    this.finish(error);
  }

  handleReadyForQuery(): void {
    if (this.failure !== undefined) this.finish(this.failure);
    else if (this.results.length !== this.statements.length) this.finish(new Error(`${this.statements.length} statements returned ${this.results.length} results`));
    else this.finish(undefined, this.results);
  }

  // No handlePortalSuspended or copy handlers: every Execute takes all its rows, and no statement copies.

  private finish(error: unknown, results?: BatchResult[]): void {
    this.detach?.();
    this.detach = undefined;
    this.settle(error, results);
  }
}

/** How a value goes over the wire: as text, the server casting it to the parameter's type. */
const wireValue = (value: SqlValue): string | null => (value === null ? null : String(value));

/** Runs `statements` on `client` in one round trip: each one's result, in order. */
export function inOneRoundTrip(client: pg.ClientBase, statements: readonly Statement[]): Promise<BatchResult[]> {
  return new Promise((resolve, reject) => {
    const settle = (error: unknown, results?: BatchResult[]) => {
      if (error === undefined && results) resolve(results);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    client.query(new Batch(statements, client, settle));
  });
}
