/**
 * The command that starts the server of a trial. Embedded: a fresh `servelab serve` with a configuration file
 * written from the server knob values. External: the study's launch template with knob values and the picked
 * ports filled in, run by sh. Either way the OS knobs wrap the command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration, KnobValue } from '../core/space.js';
import { renderTemplate } from '../plan/launch-template.js';
import type { Study } from '../plan/study-schema.js';
import { applyServerKnobs, isServerKnob, parseServerConfig } from '../server/index.js';
import type { ReadyInfo } from './server-process.js';
import { freePort } from './free-port.js';
import { renderShellTemplate } from './shell-template.js';

export const SERVELAB_BIN = fileURLToPath(new URL('../../bin/servelab.js', import.meta.url));

export interface LaunchPlan {
  readonly argv: readonly string[];
  /** Embedded: parse the ready line. External: poll a URL. */
  readonly readiness: { readonly kind: 'ready-line' } | { readonly kind: 'url'; readonly url: string; readonly target: ReadyInfo };
  readonly readyTimeoutMs: number;
  /** The server configuration as written (embedded), for the record. */
  readonly serverConfig?: unknown;
  cleanup(): void;
}

export function serverKnobValues(configuration: Configuration): Record<string, KnobValue> {
  return Object.fromEntries(Object.entries(configuration).filter(([name]) => isServerKnob(name)));
}

/**
 * Fills the launch command with every level of every knob and each model before anything runs, so a value
 * the command can't carry safely (shell-template.ts) stops the study at once instead of failing its trials.
 */
export function checkLaunchCommand(study: Study): void {
  const launch = study.target.kind === 'external' ? study.target.launch : undefined;
  if (!launch) return;
  const first = Object.fromEntries(Object.entries(study.knobs).flatMap(([name, levels]) => (levels.length > 0 ? [[name, levels[0]!]] : [])));
  for (const model of study.models) {
    const base = { ...first, ...builtinValues(study, model, 1, 2, study.colocation?.groups.find((group) => group.models.includes(model))?.models) };
    renderShellTemplate(launch.command, base);
    for (const [name, levels] of Object.entries(study.knobs)) for (const level of levels) renderShellTemplate(launch.command, { ...base, [name]: level });
  }
}

/** {models}: the models the server serves at once: a co-served group, else every model of the study. */
function builtinValues(study: Study, model: string, port: number, grpcPort: number, coServed?: readonly string[]): Record<string, KnobValue> {
  return { port, grpcPort, host: '127.0.0.1', model, models: (coServed ?? study.models).join(','), modelPath: model };
}

/** `coServed`: the models of a co-served group (model is its first), all served by the one server. */
export async function planLaunch(study: Study, configuration: Configuration, model: string, readyTimeoutMs: number, coServed?: readonly string[]): Promise<LaunchPlan> {
  const target = study.target;
  const served = coServed ?? [model];
  if (target.kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'servelab-trial-'));
    const config = applyServerKnobs(parseServerConfig({ host: '127.0.0.1' }), serverKnobValues(configuration));
    const configPath = join(dir, 'server.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    return {
      argv: [process.execPath, SERVELAB_BIN, 'serve', '--config', configPath, '--models', served.join(','), '--port', '0', '--grpc-port', '0'],
      readiness: { kind: 'ready-line' },
      readyTimeoutMs,
      serverConfig: config,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!target.launch) throw new Error('an external target without target.launch has no server to start');
  const port = await freePort();
  const grpcPort = await freePort();
  const values: Record<string, KnobValue> = { ...configuration, ...builtinValues(study, model, port, grpcPort, coServed) };
  const command = renderShellTemplate(target.launch.command, values);
  const url = renderTemplate(target.url, values);
  const httpUrl = url.startsWith('grpc://') ? `http://127.0.0.1:${port}` : url;
  const grpc = url.startsWith('grpc://') ? url.slice('grpc://'.length) : `127.0.0.1:${grpcPort}`;
  const readyUrl = target.launch.readyUrl ? renderTemplate(target.launch.readyUrl, values) : `${httpUrl.replace(/\/$/, '')}/v2/health/ready`;
  return {
    // exec: the server replaces the shell, so its pid is the server's (CPU time, signals, parent-death signal).
    argv: ['sh', '-c', `exec ${command}`],
    readiness: { kind: 'url', url: readyUrl, target: { http: httpUrl, grpc, models: [...served], startupMs: 0 } },
    readyTimeoutMs: target.launch.startupTimeoutMs,
    cleanup: () => undefined,
  };
}
