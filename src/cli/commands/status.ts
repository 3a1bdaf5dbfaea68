import type { Command } from 'commander';
import { formatDrift } from '../../store/round-drift.js';
import { studyStatus } from '../../store/status.js';
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
        ['study', 'planned', 'completed', 'failed', 'running', 'remaining', 'valid', 'invalid', 'configurations', 'meter'],
        studies.map((s) => [s.studyId, s.planned, s.completed, s.failed, s.running, s.remaining, s.valid, s.invalid, s.configurations, s.meter]),
      );
      for (const study of studies) {
        const failures = Object.entries(study.failures).map(([kind, count]) => `${count} ${kind}`);
        if (failures.length > 0) console.log(`${study.studyId}: failures: ${failures.join(', ')}`);
        const noise = Object.entries(study.repetitionCv).filter(([metric]) => ['p99_ms', 'achieved_rps', 'energy_j_per_inf'].includes(metric));
        const drift = Object.entries(study.drift);
        if (drift.length > 0) console.log(`${study.studyId}: drift between repetition rounds: ${drift.map(([metric, value]) => formatDrift(metric, value)).join('; ')}`);
        if (noise.length > 0) console.log(`${study.studyId}: repetition noise (median CV): ${noise.map(([m, cv]) => `${m} ${(cv * 100).toFixed(1)}%`).join(', ')}`);
      }
    });
}
