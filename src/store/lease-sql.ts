/**
 * A study's lease, in SQL both backends run (`?` placeholders). Each statement is atomic on its own: an insert
 * that does nothing when the study is held, a takeover that applies only while the abandoned holder is still
 * the one recorded. Deciding when a lease is abandoned is the runner's business (run/study-lease.ts).
 */
import type { StudyLease, StudyLeaseClaim } from './types.js';

export const SELECT_LEASE_SQL = 'SELECT * FROM study_leases WHERE study_id = ?';

export const INSERT_LEASE_SQL = `
  INSERT INTO study_leases (study_id, holder_id, holder_pid, holder_host, role, acquired_at, heartbeat_at)
  VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (study_id) DO NOTHING`;

export const TAKE_OVER_LEASE_SQL = `
  UPDATE study_leases SET holder_id = ?, holder_pid = ?, holder_host = ?, role = ?, acquired_at = ?, heartbeat_at = ?
  WHERE study_id = ? AND holder_id = ?`;

export const RENEW_LEASE_SQL = 'UPDATE study_leases SET heartbeat_at = ? WHERE study_id = ? AND holder_id = ?';

export const RELEASE_LEASE_SQL = 'DELETE FROM study_leases WHERE study_id = ? AND holder_id = ?';

export function insertLeaseParams(claim: StudyLeaseClaim, timestamp: string): unknown[] {
  return [claim.studyId, claim.holderId, claim.pid, claim.host, claim.role, timestamp, timestamp];
}

export function takeOverLeaseParams(claim: StudyLeaseClaim, timestamp: string, replacing: string): unknown[] {
  return [claim.holderId, claim.pid, claim.host, claim.role, timestamp, timestamp, claim.studyId, replacing];
}

export function leaseFromRow(row: Record<string, unknown>): StudyLease {
  return {
    studyId: String(row.study_id),
    holderId: String(row.holder_id),
    pid: Number(row.holder_pid),
    host: String(row.holder_host),
    role: String(row.role) as StudyLease['role'],
    acquiredAt: String(row.acquired_at),
    heartbeatAt: String(row.heartbeat_at),
  };
}
