import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test-support.js';
import { postgresAdminUrl } from '@escape-room/test-utils/databases';
import type { Database } from './orm.js';
import { sqlRunner } from './sql.js';

// The entities must describe the schema the migrations build. If they drift, MikroORM's
// `migration:create` writes a migration that "fixes" the difference, e.g. by dropping the
// hot-path covering indexes. These tests fail first.

describe.runIf(postgresAdminUrl())('entities and migrations on PostgreSQL', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ db, dispose } = await freshDatabase('postgresql')));
  afterAll(() => dispose());

  it('leave MikroORM nothing to change', async () => {
    expect((await db.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
  });
});

// SQLite's schema reader cannot round-trip this schema (it reads triggers and unnamed CHECKs
// back mangled, and the migrations' column types differ from the ORM's spelling of them), so
// there the columns and indexes are compared directly.
describe('entities and migrations on SQLite', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ db, dispose } = await freshDatabase('sqlite')));
  afterAll(() => dispose());

  const all = <Row>(text: string) => sqlRunner(db).all<Row>({ text, params: [] });
  const entities = () => [...db.getMetadata().getAll().values()];

  it('have every column of every table, nullable exactly where the entities say', async () => {
    for (const meta of entities()) {
      const columns = await all<{ name: string; notnull: number; pk: number }>(`pragma table_info(${meta.tableName})`);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- typed string[], but a collection property has none
      const declared = meta.props.flatMap((prop) => (prop.fieldNames ?? []).map((name) => ({ name, nullable: Boolean(prop.nullable) })));
      expect(
        columns.map((c) => ({ name: c.name, nullable: c.notnull === 0 && c.pk === 0 })).sort((a, b) => a.name.localeCompare(b.name)),
        meta.tableName,
      ).toEqual(declared.sort((a, b) => a.name.localeCompare(b.name)));
    }
  });

  /** Named indexes and uniques: the entity-level ones and those MikroORM moved onto their property. */
  function declared(kind: 'index' | 'unique'): Map<string, { table: string; columns: string[] }> {
    const named = new Map<string, { table: string; columns: string[] }>();
    for (const meta of entities()) {
      const columnsOf = (properties: unknown) =>
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- MikroORM's mapped `properties` type confuses the rule; the key is a property name
        [properties ?? []].flat().flatMap((name) => meta.properties[name as keyof typeof meta.properties]!.fieldNames);
      for (const index of kind === 'index' ? meta.indexes : meta.uniques) named.set(index.name!, { table: meta.tableName, columns: columnsOf(index.properties) });
      for (const prop of meta.props) {
        // `index: true` on a relation is MikroORM's implicit foreign-key index; the covering indexes lead with those columns.
        const name = prop[kind];
        if (typeof name === 'string') named.set(name, { table: meta.tableName, columns: prop.fieldNames });
      }
    }
    return named;
  }

  it('have exactly the indexes the entities declare, each led by its declared columns', async () => {
    const indexes = declared('index');
    const actual = await all<{ name: string }>(`select name from sqlite_master where type = 'index' and name not like 'sqlite_autoindex_%'`);
    // SQLite adds a unique constraint to an existing table only as a unique index: those are checked below.
    const uniques = declared('unique');
    expect(actual.map((index) => index.name).filter((name) => !uniques.has(name)).sort()).toEqual([...indexes.keys()].sort());
    for (const [name, { columns }] of indexes) {
      // SQLite has no INCLUDE: the covering columns trail the key columns there.
      const keys = (await all<{ name: string }>(`pragma index_info(${name})`)).map((column) => column.name);
      expect(keys.slice(0, columns.length), name).toEqual(columns);
    }
  });

  it('enforce every unique constraint the entities declare', async () => {
    for (const [name, { table, columns }] of declared('unique')) {
      const uniques = (await all<{ name: string; unique: number }>(`pragma index_list(${table})`)).filter((index) => index.unique === 1);
      const columnSets = await Promise.all(uniques.map(async (index) => (await all<{ name: string }>(`pragma index_info(${index.name})`)).map((c) => c.name)));
      expect(columnSets, name).toContainEqual(columns);
    }
  });
});
