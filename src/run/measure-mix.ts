/**
 * One load point of a co-served group on its running server: every model's own stream sent together (a mixed
 * run), with one energy window, the server's CPU time and counters around the measured part. Each model gets
 * its own measurement: its latency, errors and verdict, the whole server's energy attributed to it by its share
 * of compute time (energy-attribution.ts), and the mix's combined throughput and energy beside them.
 */
import type { Protocol } from '../core/target.js';
import type { EnergyReading } from '../energy/meter.js';
import type { MixedLoadSummary } from '../load/mixed-load.js';
import type { LoadSummary } from '../load/summary.js';
import type { CoServedGroup } from '../plan/colocation.js';
import type { Study } from '../plan/study-schema.js';
import type { TrialMeasurement } from '../store/types.js';
import { attributeEnergy, serverComputeSecondsByModel, type EnergyAttribution } from './energy-attribution.js';
import type { LoadDriver, MixedRunMember } from './load-driver.js';
import { IN_RUN_WARMUP_MS, servedModelName } from './measure-trial.js';
import { appliedRun, guardTrial, measurementWindow, sentAndErrors, warmupSeed } from './measured-run.js';
import { runMixedWith } from './mixed-run.js';
import { sampleDelta, scrapeMetrics } from './prometheus.js';
import { TrialFailure } from './server-process.js';
import type { ServerSession } from './server-session.js';
import { trialMetrics, trialVerdict } from './trial-metrics.js';
import type { TrialDuration } from './trial-duration.js';
import type { TrialSpec } from './trial-plan.js';

export interface MixMember {
  /** The member's trial at this load point (its context names the model, workload and group). */
  readonly trial: TrialSpec;
  /** Its own arrival rate (its stress level of its own solo capacity), when open loop. */
  readonly rateRps?: number;
}

export interface MixSettings {
  readonly study: Study;
  readonly driver: LoadDriver;
  readonly protocol: Protocol;
  readonly group: CoServedGroup;
  readonly members: readonly MixMember[];
  /** The longest any member needs (trial-duration.ts), so every member's percentiles have their requests. */
  readonly duration: TrialDuration;
  readonly cpus?: readonly number[];
  readonly seed: number;
}

export type MixOutcome = { readonly state: 'completed'; readonly measurement: TrialMeasurement } | { readonly state: 'failed'; readonly failure: TrialFailure };

/** Runs the mix once and returns one outcome per member, in the order given. */
export async function measureMix(session: ServerSession, settings: MixSettings): Promise<MixOutcome[]> {
  const { study, group } = settings;
  const { signal, guard, dispose } = guardTrial(session, study.trialTimeoutMs, `the co-served run of ${group.name} exceeded its time limit of ${study.trialTimeoutMs} ms`);

  const members: MixedRunMember[] = settings.members.map(({ trial, rateRps }) => ({
    model: servedModelName(session, trial.context.model),
    workload: trial.context.workload,
    point: trial.point,
    ...(rateRps === undefined ? {} : { rateRps }),
  }));
  const base = { target: { http: session.ready.http, grpc: session.ready.grpc }, protocol: settings.protocol, members, signal, serverPid: session.process.pid };
  try {
    const warmKey = `co-served:${group.name}`;
    if (!session.warmed.has(warmKey) && study.load.warmupMs > 0) {
      await guard(runMixedWith(settings.driver, { ...base, seed: warmupSeed(settings.seed), durationMs: study.load.warmupMs, warmupMs: 0 }));
      session.warmed.add(warmKey);
    }
    const countersBefore = await guard(scrapeMetrics(session.ready.http));
    const window = measurementWindow(session, settings.cpus);
    let mixed: MixedLoadSummary;
    let energy: EnergyReading | undefined;
    try {
      mixed = await guard(runMixedWith(settings.driver, { ...base, seed: settings.seed, durationMs: settings.duration.durationMs, warmupMs: IN_RUN_WARMUP_MS, onStart: window.onStart }));
    } finally {
      energy = await window.stopEnergy();
    }
    const { usage, steal } = window.usage();
    const countersAfter = await guard(scrapeMetrics(session.ready.http));
    if (session.process.exitInfo) throw session.process.failureFromExit(session.process.exitInfo, 'during the trial');
    const server = countersBefore && countersAfter ? sampleDelta(countersBefore, countersAfter) : undefined;
    const computeByModel = serverComputeSecondsByModel(server);
    const summaries = mixed.members;
    const attribution = energy
      ? attributeEnergy(
          energy.energyJ,
          summaries.map((summary, index) => ({
            model: settings.members[index]!.trial.context.model,
            ...(computeByModel.size > 0 ? { serverComputeSeconds: computeByModel.get(members[index]!.model) ?? 0 } : {}),
            ...responseCompute(summary),
            completed: summary.completed,
          })),
        )
      : undefined;
    const mix = {
      group: group.name,
      members: summaries.map((summary, index) => ({ model: settings.members[index]!.trial.context.model, workload: summary.workload, rateRps: settings.members[index]!.rateRps, achievedRps: summary.achievedRps, completed: summary.completed, valid: summary.valid })),
      combined: mixed.combined,
    };
    return summaries.map((summary, index): MixOutcome => {
      const member = settings.members[index]!;
      if (summary.completed === 0) {
        return { state: 'failed', failure: new TrialFailure('load-error', `no request of ${member.trial.context.model} completed in the mix ${group.name} (${sentAndErrors(summary)})`) };
      }
      const part = attribution?.parts[index];
      const attributed: EnergyReading | undefined =
        energy && part && attribution
          ? {
              meter: energy.meter,
              source: energy.source,
              scope: `${energy.scope}: the share attributed to ${member.trial.context.model} by ${attribution.basis} (${group.name} served together)`,
              durationMs: energy.durationMs,
              energyJ: part.energyJ,
              powerW: energy.powerW * part.share,
            }
          : undefined;
      const metrics: Record<string, number> = {
        ...trialMetrics(summary, usage, attributed),
        ...mixMetrics(mixed, energy, part?.share),
        ...(steal === undefined ? {} : { cpu_steal: steal }),
      };
      const applied = {
        ...appliedRun(session, { configuration: member.trial.configuration, protocol: settings.protocol, rateRps: member.rateRps, duration: settings.duration }),
        coServed: group.name,
        coServedModels: group.models,
        mix,
        ...(attribution ? { energyAttribution: attributionRecord(attribution, index) } : {}),
      };
      const measurement: TrialMeasurement = {
        metrics,
        ...trialVerdict(summary, metrics, study, steal),
        client: summary,
        ...(server ? { server } : {}),
        ...(attributed ? { energy: attributed } : {}),
        applied,
      };
      return { state: 'completed', measurement };
    });
  } finally {
    dispose();
  }
}

/** The mix as a whole, stored in every member's row: combined throughput, the measured total energy, this model's share. */
function mixMetrics(mixed: MixedLoadSummary, energy: EnergyReading | undefined, share: number | undefined): Record<string, number> {
  return {
    mix_achieved_rps: mixed.combined.achievedRps,
    ...(energy ? { mix_energy_j: energy.energyJ } : {}),
    ...(energy && mixed.combined.completed > 0 ? { mix_energy_j_per_inf: energy.energyJ / mixed.combined.completed } : {}),
    ...(share === undefined ? {} : { energy_share: share }),
  };
}

/** Compute seconds the responses report: each batch's compute time divided among its requests. */
function responseCompute(summary: LoadSummary): { responseComputeSeconds?: number } {
  const server = summary.server;
  if (!server || server.responses === 0) return {};
  return { responseComputeSeconds: (server.responses * server.computeUs.mean) / Math.max(1, server.meanBatchSize) / 1e6 };
}

function attributionRecord(attribution: EnergyAttribution, index: number): Record<string, unknown> {
  return { label: attribution.label, basis: attribution.basis, totalEnergyJ: attribution.totalEnergyJ, share: attribution.parts[index]?.share, parts: attribution.parts };
}
