/**
 * A unit of co-served models: one configuration, one group and one repetition on one fresh server that serves
 * every model of the group. Each load point is one mixed run (measure-mix.ts) that records one measurement per
 * model; a model whose trial there is already recorded still sends its stream, so the others see the same mix.
 */
import { ServelabError } from '../core/errors.js';
import type { Configuration } from '../core/space.js';
import { coServedGroup, type CoServedGroup } from '../plan/colocation.js';
import { measuredCpus } from './cpu-layout.js';
import { measureMix, type MixMember, type MixOutcome } from './measure-mix.js';
import { TrialFailure } from './server-process.js';
import { oneLine, startSession, type ServerSession } from './server-session.js';
import { trialDuration, type TrialDuration } from './trial-duration.js';
import { protocolOf, trialLabel, trialsOf, type TrialSpec } from './trial-plan.js';
import { asTrialFailure, rateOf, type UnitContext, type UnitTrialOutcome } from './trial-unit.js';

/** Runs the pending trials of one co-served unit; every pending trial ends recorded. */
export async function runCoServedUnit(context: UnitContext, configuration: Configuration, pending: readonly TrialSpec[]): Promise<UnitTrialOutcome[]> {
  const { study } = context.settings;
  const first = pending[0];
  if (!first) return [];
  const group = coServedGroup(study, first.context.coServed);
  if (!group) throw new ServelabError(`trial ${trialLabel(first)} names co-served group '${first.context.coServed}', which study '${study.name}' does not define`, 'invalid-input');
  const unit = trialsOf(study, configuration).filter((trial) => trial.repetition === first.repetition && trial.context.coServed === group.name);
  const pendingIds = new Set(pending.map((trial) => trial.trialId));
  const outcomes: UnitTrialOutcome[] = [];
  let session: ServerSession | undefined;
  let startFailure: TrialFailure | undefined;
  try {
    for (const point of study.load.points) {
      const atPoint = group.models.map((model) => unit.find((trial) => trial.context.model === model && trial.point.label === point.label)!);
      const recorded = atPoint.filter((trial) => pendingIds.has(trial.trialId));
      if (recorded.length === 0) continue;
      for (const trial of recorded) {
        context.onTrialStarted?.(trial);
        await context.store.startTrial(trial.trialId);
      }
      let results: MixOutcome[];
      try {
        if (startFailure) throw startFailure;
        if (!session) {
          try {
            session = await startSession(context.settings, configuration, group.models[0]!, group.models);
          } catch (error) {
            startFailure = asTrialFailure(error);
            throw startFailure;
          }
        }
        const members: MixMember[] = [];
        for (const trial of atPoint) members.push({ trial, ...(await rateOf(study, context.store, trial)) });
        results = await measureMix(session, {
          study,
          driver: context.driver,
          protocol: protocolOf(configuration, study),
          group,
          members,
          duration: mixDuration(study, members),
          cpus: measuredCpus(context.settings.layout),
          seed: study.seed * 1000 + first.repetition,
        });
      } catch (error) {
        const failure = asTrialFailure(error);
        results = atPoint.map(() => ({ state: 'failed', failure }));
        if (session) {
          await session.stop();
          session = undefined; // the next load point gets a fresh server
        }
      }
      for (const [index, trial] of atPoint.entries()) {
        if (!pendingIds.has(trial.trialId)) continue;
        const outcome = await record(context, group, trial, results[index]!);
        outcomes.push(outcome);
        context.onTrialEnded?.(trial, outcome);
      }
    }
  } finally {
    await session?.stop();
  }
  return outcomes;
}

/** The longest duration any member's percentiles need at its own rate: the mix runs that long for all. */
function mixDuration(study: UnitContext['settings']['study'], members: readonly MixMember[]): TrialDuration {
  let longest: TrialDuration | undefined;
  for (const member of members) {
    let duration: TrialDuration;
    try {
      duration = trialDuration(study, member.rateRps, trialLabel(member.trial));
    } catch (error) {
      throw new TrialFailure('invalid-config', oneLine(error));
    }
    if (!longest || duration.durationMs > longest.durationMs) longest = duration;
  }
  return longest!;
}

async function record(context: UnitContext, group: CoServedGroup, trial: TrialSpec, result: MixOutcome): Promise<UnitTrialOutcome> {
  const extras = context.appliedExtras ?? {};
  if (result.state === 'completed') {
    const measurement = { ...result.measurement, applied: { ...(result.measurement.applied as object | undefined), ...extras } };
    return { state: 'completed', measurement, recorded: await context.store.completeTrial(trial.trialId, measurement) };
  }
  // The group is kept with a failure too, so the failed row names what it was served with.
  const applied = { ...extras, coServed: group.name, coServedModels: group.models };
  const recorded = await context.store.failTrial(trial.trialId, { kind: result.failure.kind, reason: result.failure.message }, { metrics: {}, valid: false, applied });
  return { state: 'failed', failure: result.failure, recorded };
}
