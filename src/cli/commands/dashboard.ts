import type { Command } from 'commander';
import { ServelabError } from '../../core/errors.js';
import { bindWarning, DEFAULT_HOST, DEFAULT_PORT, startDashboard } from '../../dashboard/dashboard-server.js';

interface DashboardCliOptions {
  port: string;
  host: string;
  study?: string;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('A live web page of a study: progress, every trial, Pareto fronts and effects as trials complete; read-only.')
    .argument('<store>', 'results store written by servelab explore: an SQLite file or a postgres:// URL')
    .option('--port <port>', 'HTTP port (0: any free port)', String(DEFAULT_PORT))
    .option('--host <address>', 'address to listen on; anything but loopback exposes the study without authentication', DEFAULT_HOST)
    .option('--study <name>', 'which study, when the store holds several')
    .action(async (location: string, options: DashboardCliOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ServelabError(`--port: expected an integer from 0 to 65535, got '${options.port}'`);
      const warning = bindWarning(options.host);
      if (warning) console.error(`servelab dashboard: warning: ${warning}`);
      const dashboard = await startDashboard({ location, host: options.host, port, ...(options.study ? { studyId: options.study } : {}) });
      console.log(`dashboard of study ${dashboard.study.studyId} (${dashboard.study.store}): ${dashboard.url}`);
      console.log('read-only; Ctrl-C stops it');
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await dashboard.close();
    });
}
