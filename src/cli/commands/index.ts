import type { Command } from 'commander';

/** Each command module exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

/**
 * Every command, in the order help lists them, each loaded only when needed: a command module imports its part of
 * servelab (the server, the load generator, the analysis, the report), and loading all of them costs seconds that
 * every `servelab serve` a study starts would pay.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  models: async () => (await import('./models.js')).registerModels,
  serve: async () => (await import('./serve.js')).registerServe,
  workloads: async () => (await import('./workloads.js')).registerWorkloads,
  analyze: async () => (await import('./analyze.js')).registerAnalyze,
  report: async () => (await import('./report.js')).registerReport,
  demo: async () => (await import('./demo.js')).registerDemo,
  explore: async () => (await import('./explore.js')).registerExplore,
  export: async () => (await import('./export.js')).registerExport,
  status: async () => (await import('./status.js')).registerStatus,
  dashboard: async () => (await import('./dashboard.js')).registerDashboard,
  load: async () => (await import('./load.js')).registerLoad,
  worker: async () => (await import('./worker.js')).registerWorker,
};
