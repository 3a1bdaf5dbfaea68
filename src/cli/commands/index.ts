import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerDashboard } from './dashboard.js';
import { registerModels } from './models.js';
import { registerExplore } from './explore.js';
import { registerExport } from './export.js';
import { registerLoad } from './load.js';
import { registerDemo } from './demo.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerStatus } from './status.js';
import { registerWorker } from './worker.js';
import { registerWorkloads } from './workloads.js';

/** Each command module exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [registerModels, registerServe, registerWorkloads, registerAnalyze, registerReport, registerDemo, registerExplore, registerExport, registerStatus, registerDashboard, registerLoad, registerWorker];
