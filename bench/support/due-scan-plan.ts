import { EntityManager } from '@mikro-orm/core';
import { Connection } from '../../src/tokens/connection.entity';
import { ConnectionRepository } from '../../src/tokens/connection.repository';

export interface DueScanPlan {
  sql: string;
  plan: string[];
  usesIndex: boolean;
}

/**
 * Runs the real `findDueForRefresh` once while recording the SQL it sends, then asks the database for that exact
 * statement's plan: EXPLAIN ANALYZE on PostgreSQL (after ANALYZE, so the planner knows the 10k rows), EXPLAIN QUERY
 * PLAN on SQLite.
 */
export async function explainDueScan(root: EntityManager, dueBefore: Date, limit: number): Promise<DueScanPlan> {
  const em = root.fork();
  const connection = em.getConnection();
  const postgres = em.getPlatform().constructor.name.toLowerCase().includes('postgre');
  const table = em.getMetadata().get(Connection.name).tableName;
  const statements: { sql: string; params: unknown[] }[] = [];
  const execute = connection.execute.bind(connection);
  connection.execute = ((sql: unknown, params: unknown[] = [], ...rest: unknown[]) => {
    if (typeof sql === 'string') statements.push({ sql, params });
    return (execute as (...args: unknown[]) => unknown)(sql, params, ...rest);
  }) as typeof connection.execute;
  try {
    await (em.getRepository(Connection) as ConnectionRepository).findDueForRefresh(dueBefore, limit);
  } finally {
    connection.execute = execute;
  }
  const scan = statements.find((s) => /^select/i.test(s.sql) && s.sql.includes(table));
  if (!scan) throw new Error(`findDueForRefresh sent no select on ${table}: ${JSON.stringify(statements)}`);
  if (postgres) await connection.execute(`analyze "${table}"`);
  const explain = postgres ? 'explain (analyze, buffers)' : 'explain query plan';
  const rows: Record<string, unknown>[] = await connection.execute(`${explain} ${scan.sql}`, scan.params as never[]);
  const plan: string[] = rows.map((row) => String(row['QUERY PLAN'] ?? row.detail ?? JSON.stringify(row)));
  const usesIndex = plan.some((line) => /index/i.test(line) && /status/i.test(line) && /expires/i.test(line));
  return { sql: connection.getPlatform().formatQuery(scan.sql, scan.params as never[]), plan, usesIndex };
}
