import type { Command } from 'commander';
import { formatDrift } from '../../store/round-drift.js';
import { studyStatus } from '../../store/status.js';
import type { StudyLease } from '../../store/types.js';
import { LEASE_STALE_AFTER_MS } from '../../run/study-lease.js';
import { emitJson, printTable } from '../output.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Progress of the studies in a results database: planned, completed, failed, remaining trials.')
    .argument('<store>', 'results store written by servelab explore: an SQLite file or a postgres:// URL')
    .option('--json', 'print JSON')
    .action(async (location: string, options: { json?: boolean }) => {
      const studies = await studyStatus(location);
      if (options.json) {
        emitJson(studies.length === 1 ? studies[0] : { studies });
        return;
      }
      printTable(
        ['study', 'planned', 'completed', 'failed', 'running', 'remaining', 'valid', 'invalid', 'attempts', 'configurations', 'meter'],
        studies.map((s) => [s.studyId, s.planned, s.completed, s.failed, s.running, s.remaining, s.valid, s.invalid, s.attempts, s.configurations, s.meter]),
      );
      for (const study of studies) {
        const failures = Object.entries(study.failures).map(([kind, count]) => `${count} ${kind}`);
        if (failures.length > 0) console.log(`${study.studyId}: failures: ${failures.join(', ')}`);
        const earlier = Object.entries(study.earlierAttempts).map(([kind, count]) => `${count} ${kind}`);
        if (earlier.length > 0) console.log(`${study.studyId}: earlier attempts, since run again: ${earlier.join(', ')}`);
        if (study.runner) console.log(`${study.studyId}: ${describeRunner(study.runner)}`);
        const noise = Object.entries(study.repetitionCv).filter(([metric]) => ['p99_ms', 'achieved_rps', 'energy_j_per_inf'].includes(metric));
        const drift = Object.entries(study.drift);
        if (drift.length > 0) console.log(`${study.studyId}: drift between repetition rounds: ${drift.map(([metric, value]) => formatDrift(metric, value)).join('; ')}`);
        if (noise.length > 0) console.log(`${study.studyId}: repetition noise (median CV): ${noise.map(([m, cv]) => `${m} ${(cv * 100).toFixed(1)}%`).join(', ')}`);
      }
    });
}

function describeRunner(lease: StudyLease): string {
  const silentS = Math.max(0, Math.round((Date.now() - Date.parse(lease.heartbeatAt)) / 1000));
  const abandoned = silentS * 1000 > LEASE_STALE_AFTER_MS ? '; abandoned: the next explore takes the study over' : '';
  return `run by pid ${lease.pid} on ${lease.host} (${lease.role}, since ${lease.acquiredAt}, last heartbeat ${silentS} s ago${abandoned})`;
}
