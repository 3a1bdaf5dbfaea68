/**
 * One runner per study: `servelab explore` and the distributed coordinator hold the study's lease in the
 * store while they run (workers share the store without one). The holder renews a heartbeat; a second runner
 * is refused with the holder named, unless the lease is abandoned: its heartbeat is older than staleAfterMs,
 * or its holder ran on this host and that process is gone.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ServelabError } from '../core/errors.js';
import type { AsyncResultsStore } from '../store/async-store.js';
import type { StudyLease, StudyLeaseClaim } from '../store/types.js';

export const LEASE_HEARTBEAT_MS = 10_000;
export const LEASE_STALE_AFTER_MS = 60_000;

export type LeaseStore = Pick<AsyncResultsStore, 'studyLease' | 'claimStudyLease' | 'renewStudyLease' | 'releaseStudyLease'>;

export interface StudyLeaseOptions {
  readonly role: StudyLeaseClaim['role'];
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  /** Wall-clock time, compared with the heartbeats stored by other runners. */
  readonly now?: () => Date;
  readonly host?: string;
  readonly pid?: number;
  readonly isProcessAlive?: (pid: number) => boolean;
  /** Calls tick every intervalMs until the returned function is called (default: an unref'd setInterval). */
  readonly every?: (intervalMs: number, tick: () => void) => () => void;
}

export interface HeldStudyLease {
  readonly claim: StudyLeaseClaim;
  /** Throws once another runner has taken the lease over, so this one stops before measuring alongside it. */
  assertHeld(): void;
  release(): Promise<void>;
}

/** Whether a local pid runs; a zombie (killed, not yet reaped by its parent) does not. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, owned by someone else
  }
  try {
    // The state follows the parenthesised command name, which may itself hold spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: the signal check is all there is
  }
}

const everyInterval = (intervalMs: number, tick: () => void): (() => void) => {
  const timer = setInterval(tick, intervalMs);
  timer.unref(); // a finished runner must not wait for its next heartbeat to exit
  return () => clearInterval(timer);
};

export async function acquireStudyLease(store: LeaseStore, studyId: string, options: StudyLeaseOptions): Promise<HeldStudyLease> {
  const now = options.now ?? (() => new Date());
  const staleAfterMs = options.staleAfterMs ?? LEASE_STALE_AFTER_MS;
  const claim: StudyLeaseClaim = { studyId, holderId: randomUUID(), pid: options.pid ?? process.pid, host: options.host ?? hostname(), role: options.role };
  const isAlive = options.isProcessAlive ?? processAlive;
  for (let tries = 0; tries < 5; tries++) {
    const current = await store.studyLease(studyId);
    if (current) {
      const silentMs = now().getTime() - Date.parse(current.heartbeatAt);
      const gone = current.host === claim.host && !isAlive(current.pid);
      if (!gone && silentMs <= staleAfterMs) throw leaseHeldError(current, silentMs, staleAfterMs);
    }
    if (await store.claimStudyLease(claim, current?.holderId)) return holdLease(store, claim, options);
  }
  throw new ServelabError(`study '${studyId}': could not take its lease, other runners kept taking it at the same moment; try again`, 'unavailable');
}

function holdLease(store: LeaseStore, claim: StudyLeaseClaim, options: StudyLeaseOptions): HeldStudyLease {
  let lost: StudyLease | 'unknown' | undefined;
  let renewing = false;
  const stop = (options.every ?? everyInterval)(options.heartbeatMs ?? LEASE_HEARTBEAT_MS, () => {
    if (renewing || lost) return;
    renewing = true;
    void (async () => {
      try {
        if (!(await store.renewStudyLease(claim.studyId, claim.holderId))) lost = (await store.studyLease(claim.studyId)) ?? 'unknown';
      } catch {
        // A busy or briefly unreachable store: the next heartbeat tries again, well before the lease goes stale.
      } finally {
        renewing = false;
      }
    })();
  });
  return {
    claim,
    assertHeld: () => {
      if (!lost) return;
      const by = lost === 'unknown' ? 'another runner' : `pid ${lost.pid} on ${lost.host} (${lost.role}, since ${lost.acquiredAt})`;
      throw new ServelabError(
        `study '${claim.studyId}': this runner lost its lease to ${by}, after missing its heartbeats; stopping so that two runners do not measure at once`,
        'unavailable',
      );
    },
    release: async () => {
      stop();
      if (!lost) await store.releaseStudyLease(claim.studyId, claim.holderId);
    },
  };
}

function leaseHeldError(holder: StudyLease, silentMs: number, staleAfterMs: number): ServelabError {
  const heartbeat = silentMs < 1000 ? 'just now' : `${Math.round(silentMs / 1000)} s ago`;
  return new ServelabError(
    `study '${holder.studyId}' is already being run by pid ${holder.pid} on ${holder.host} (${holder.role}, started ${holder.acquiredAt}, ` +
      `last heartbeat ${heartbeat}) on this store; wait for it to finish or stop it. A runner that stopped without releasing the study ` +
      `frees it ${Math.round(staleAfterMs / 1000)} s after its last heartbeat, or as soon as its process is gone when it ran on this host. ` +
      `Workers of a distributed study share the store through 'servelab worker', not a second explore`,
    'unavailable',
  );
}
