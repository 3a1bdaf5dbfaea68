/**
 * The results store's tables in PostgreSQL: schema.ts's tables and columns, with the three types whose spelling
 * differs between the dialects translated. Each translation must apply, so the two schemas cannot drift apart.
 */
import { SCHEMA_SQL } from './schema.js';

const DIALECT: readonly (readonly [sqlite: string, postgres: string])[] = [
  ['environment_id INTEGER PRIMARY KEY AUTOINCREMENT', 'environment_id BIGSERIAL PRIMARY KEY'],
  // SQLite's INTEGER holds 64 bits; a study seed may need them.
  ['seed INTEGER NOT NULL', 'seed BIGINT NOT NULL'],
  ['capacity_rps REAL NOT NULL', 'capacity_rps DOUBLE PRECISION NOT NULL'],
];

export const POSTGRES_SCHEMA_SQL = DIALECT.reduce((sql, [sqlite, postgres]) => {
  if (!sql.includes(sqlite)) throw new Error(`store schema: '${sqlite}' is no longer in schema.ts; update the PostgreSQL translation`);
  return sql.replace(sqlite, postgres);
}, SCHEMA_SQL);
