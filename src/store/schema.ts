/** The results store's tables (SQLite dialect; a PostgreSQL backend keeps the same tables and columns). */
// 2: environment rows have their own id (several workers may record at the same instant).
// 3: trial_attempts keeps every attempt of a trial; study_leases names the one runner of a study.
export const SCHEMA_VERSION = 3;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS studies (
  study_id TEXT PRIMARY KEY,
  definition_hash TEXT NOT NULL,
  definition_json TEXT NOT NULL,
  source_text TEXT,
  seed INTEGER NOT NULL,
  expected_trials INTEGER,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS configurations (
  study_id TEXT NOT NULL REFERENCES studies(study_id),
  config_key TEXT NOT NULL,
  configuration_json TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY (study_id, config_key)
);
CREATE TABLE IF NOT EXISTS trials (
  trial_id TEXT PRIMARY KEY,
  study_id TEXT NOT NULL REFERENCES studies(study_id),
  config_key TEXT NOT NULL,
  model TEXT NOT NULL,
  workload TEXT NOT NULL,
  load TEXT NOT NULL,
  repetition INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('planned', 'running', 'completed', 'failed')),
  attempt INTEGER NOT NULL DEFAULT 0,
  valid INTEGER,
  failure_kind TEXT,
  reason TEXT,
  sequence INTEGER NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS trials_by_study ON trials (study_id, state);
CREATE TABLE IF NOT EXISTS measurements (
  trial_id TEXT PRIMARY KEY REFERENCES trials(trial_id),
  metrics_json TEXT NOT NULL,
  verdict_json TEXT NOT NULL,
  client_json TEXT,
  server_json TEXT,
  energy_json TEXT,
  histograms_json TEXT,
  applied_json TEXT
);
CREATE TABLE IF NOT EXISTS environment (
  environment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  study_id TEXT NOT NULL REFERENCES studies(study_id),
  recorded_at TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  cores INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  os TEXT NOT NULL,
  node_version TEXT NOT NULL,
  ort_version TEXT NOT NULL,
  meter TEXT NOT NULL,
  details_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS capacities (
  study_id TEXT NOT NULL REFERENCES studies(study_id),
  model TEXT NOT NULL,
  workload TEXT NOT NULL,
  capacity_rps REAL NOT NULL,
  method TEXT NOT NULL,
  details_json TEXT,
  PRIMARY KEY (study_id, model, workload)
);
CREATE TABLE IF NOT EXISTS trial_attempts (
  trial_id TEXT NOT NULL REFERENCES trials(trial_id),
  study_id TEXT NOT NULL REFERENCES studies(study_id),
  attempt INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('completed', 'failed', 'interrupted')),
  valid INTEGER,
  failure_kind TEXT,
  reason TEXT,
  started_at TEXT,
  finished_at TEXT,
  metrics_json TEXT,
  PRIMARY KEY (trial_id, attempt)
);
CREATE TABLE IF NOT EXISTS study_leases (
  study_id TEXT PRIMARY KEY REFERENCES studies(study_id),
  holder_id TEXT NOT NULL,
  holder_pid INTEGER NOT NULL,
  holder_host TEXT NOT NULL,
  role TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
);
`;
