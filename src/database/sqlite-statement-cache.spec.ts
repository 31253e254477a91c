import Database from 'libsql';
import { cachePreparedStatements } from './sqlite-statement-cache';

describe('cachePreparedStatements', () => {
  it('should reuse a statement per SQL text, binding each run afresh', () => {
    const db = cachePreparedStatements(new Database(':memory:'));
    db.exec('create table t (id integer primary key, name text)');
    db.prepare('insert into t (id, name) values (?, ?)').run(1, 'one');
    db.prepare('insert into t (id, name) values (?, ?)').run(2, 'two');
    const select = 'select name from t where id = ?';
    expect(db.prepare(select)).toBe(db.prepare(select));
    expect(db.prepare(select).all(2)).toEqual([{ name: 'two' }]);
    // libsql's own `get` would answer 'two' here, from the statement's previous run.
    expect(db.prepare(select).get(1)).toEqual({ name: 'one' });
    expect(db.prepare(select).get(2)).toEqual({ name: 'two' });
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2 });
    db.close();
  });

  it('should see a schema change made after the statement was cached', () => {
    const db = cachePreparedStatements(new Database(':memory:'));
    db.exec('create table t (id integer primary key)');
    db.prepare('insert into t (id) values (?)').run(1);
    expect(db.prepare('select * from t').all()).toEqual([{ id: 1 }]);
    db.exec("alter table t add column note text default 'x'");
    expect(db.prepare('select * from t').all()).toEqual([{ id: 1, note: 'x' }]);
    db.close();
  });

  it('should keep only the most recently used statements', () => {
    const db = cachePreparedStatements(new Database(':memory:'));
    const first = db.prepare('select 0');
    for (let i = 1; i <= 256; i++) db.prepare(`select ${i}`);
    expect(db.prepare('select 256')).toBe(db.prepare('select 256'));
    expect(db.prepare('select 0')).not.toBe(first);
    db.close();
  });
});
