/** Brings an older study database up to the current schema version in one transaction; rows are kept. */
import type Database from 'better-sqlite3';
import { BACKFILL_ATTEMPTS_SQL } from './attempt-sql.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

/** Runs after SCHEMA_SQL, so every table of the current version exists. */
export function migrateStore(db: Database.Database, fromVersion: number): void {
  db.transaction(() => {
    if (fromVersion < 2) migrateV1ToV2(db);
    if (fromVersion < 3) db.exec(BACKFILL_ATTEMPTS_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Version 2 gave environment rows their own id (several workers may record at the same instant). */
function migrateV1ToV2(db: Database.Database): void {
  const columns = 'study_id, recorded_at, cpu_model, cores, memory_mb, os, node_version, ort_version, meter, details_json';
  db.exec('ALTER TABLE environment RENAME TO environment_v1');
  db.exec(SCHEMA_SQL); // creates the version 2 environment table
  db.exec(`INSERT INTO environment (${columns}) SELECT ${columns} FROM environment_v1 ORDER BY recorded_at`);
  db.exec('DROP TABLE environment_v1');
}
