/** The part of a libsql connection the cache wraps. */
interface PreparingConnection {
  prepare(sql: string): Statement;
}

interface Statement {
  all(...bindings: unknown[]): unknown[];
  get(...bindings: unknown[]): unknown;
}

/** Statements kept per connection; the service sends a few dozen distinct SQL texts. */
const CACHED_STATEMENTS = 256;

/**
 * libsql compiles every statement anew: MikroORM's knex dialect calls `prepare` for each query, and compiling cost
 * more than running the status GET's query. Each connection keeps its recent statements by SQL text instead. knex
 * gives a connection to one query at a time and every run completes before it returns (libsql is synchronous);
 * SQLite re-compiles a statement itself when the schema changed under it. libsql's `all` and `run` reset a statement
 * and bind afresh, but its `get` on a statement that ran before answers from the earlier run (the spec shows it), so
 * a cached statement's `get` is its `all`'s first row (knex's dialect calls only `all` and `run`).
 */
export function cachePreparedStatements<C extends PreparingConnection>(connection: C): C {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, Statement>();
  connection.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql); // re-inserted below: the Map's order is the order of last use
    } else {
      statement = prepare(sql);
      const { all } = statement;
      statement.get = (...bindings: unknown[]) => all.apply(statement, bindings)[0];
      if (statements.size >= CACHED_STATEMENTS) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  };
  return connection;
}
