/**
 * Validity of the analysis' findings on simulated studies with known truth (seeded, so every run prints the same):
 * - pure noise: no knob has any effect, 2–3 repetitions, 2–3 environments → share of datasets with any finding;
 * - unbalanced: each environment measures a random ~60% of the configurations, 1–3 repetitions, ~8% of rows
 *   failed or invalid, with planted main effects of 5× the noise SD and an inert knob → inert-knob false
 *   significance, power for the planted effects;
 * - non-transferring optimum: the source's best costs ≥ 50% more in the target → detection rate (and, for scale,
 *   the rate at a 20% regret);
 * - tie study: nine configurations tie for the optimum in both environments → false "does not transfer" rate.
 * Runs the real analysis (analyzeTrials). DATASETS (default 100) sets the datasets per scenario; ONLY=noise,
 * unbalanced or transfer runs one scenario.
 *   npm run bench:stats
 */
import { loadavg } from 'node:os';
import { analyzeTrials } from '../src/analysis/analyze.js';
import type { AnalysisResult } from '../src/analysis/types.js';
import { createRng, type Rng } from '../src/core/random.js';
import type { Configuration, KnobValue } from '../src/core/space.js';
import type { TrialContext, TrialRow } from '../src/core/trial.js';

const DATASETS = Number(process.env.DATASETS ?? 100);
const ONLY = process.env.ONLY;
const runs = (scenario: 'noise' | 'unbalanced' | 'transfer'): boolean => ONLY === undefined || ONLY === scenario;
const OBJECTIVES = [{ metric: 'p99_ms', direction: 'min' as const }, { metric: 'energy_j_per_inf', direction: 'min' as const }];
const NOISE_SD = { p99_ms: 1, energy_j_per_inf: 0.01 } as const;

type Truth = (configuration: Configuration, context: TrialContext) => { p99_ms: number; energy_j_per_inf: number };

interface StudySpec {
  readonly knobs: Readonly<Record<string, readonly KnobValue[]>>;
  readonly environments: readonly TrialContext[];
  readonly truth: Truth;
  /** Share of configurations each environment measures (1: all). */
  readonly measuredShare: number;
  readonly repetitions: readonly [number, number];
  /** Share of rows turned into failed or invalid trials. */
  readonly droppedShare: number;
  /** Noise SD: absolute per metric, or relative to the true value. */
  readonly noise: { readonly kind: 'absolute' } | { readonly kind: 'relative'; readonly sd: number };
}

function fullFactorial(knobs: Readonly<Record<string, readonly KnobValue[]>>): Configuration[] {
  let out: Record<string, KnobValue>[] = [{}];
  for (const [name, levels] of Object.entries(knobs)) out = out.flatMap((c) => levels.map((level) => ({ ...c, [name]: level })));
  return out;
}

function simulate(spec: StudySpec, rng: Rng): TrialRow[] {
  const rows: TrialRow[] = [];
  const all = fullFactorial(spec.knobs);
  let trial = 0;
  for (const context of spec.environments) {
    const measured = spec.measuredShare >= 1 ? all : rng.shuffle(all).slice(0, Math.round(spec.measuredShare * all.length));
    for (const configuration of measured) {
      const truth = spec.truth(configuration, context);
      const [low, high] = spec.repetitions;
      const repetitions = low + rng.int(high - low + 1);
      const trialId = `t${trial++}`;
      for (let repetition = 0; repetition < repetitions; repetition++) {
        const metrics = {
          p99_ms: noisy(truth.p99_ms, NOISE_SD.p99_ms, spec, rng),
          energy_j_per_inf: noisy(truth.energy_j_per_inf, NOISE_SD.energy_j_per_inf, spec, rng),
        };
        const dropped = rng.next() < spec.droppedShare;
        const failed = dropped && rng.next() < 0.5;
        rows.push({
          trialId, configuration, context, repetition,
          state: failed ? 'failed' : 'completed',
          valid: !dropped,
          metrics: failed ? {} : metrics,
          ...(failed ? { failure: { kind: 'crash' as const, reason: 'simulated' } } : {}),
        });
      }
    }
  }
  return rows;
}

function noisy(value: number, absoluteSd: number, spec: StudySpec, rng: Rng): number {
  return spec.noise.kind === 'absolute' ? value + absoluteSd * rng.normal() : value * (1 + spec.noise.sd * rng.normal());
}

function context(model: string, load = 'light'): TrialContext {
  return { model, workload: 'images', load };
}

const levelIndex = (levels: readonly KnobValue[], value: KnobValue | undefined): number => levels.indexOf(value as KnobValue);

// ---- scenarios ---------------------------------------------------------------------------------------------

const NOISE_KNOBS = { batch: [1, 4, 16], threads: [1, 2, 4], cache: [false, true], instances: [1, 2] } as const;

function pureNoise(rng: Rng): TrialRow[] {
  const bases: Record<string, number> = { resnet50: 50, mobilenetv2: 20, bert: 35 };
  const models = Object.keys(bases).slice(0, 2 + rng.int(2));
  return simulate({
    knobs: NOISE_KNOBS,
    environments: models.map((model) => context(model)),
    truth: (_c, ctx) => ({ p99_ms: bases[ctx.model]!, energy_j_per_inf: bases[ctx.model]! / 100 }),
    measuredShare: 1,
    repetitions: [2, 3],
    droppedShare: 0,
    noise: { kind: 'absolute' },
  }, rng);
}

const UNBALANCED_KNOBS = { batch: [1, 4, 16], threads: [1, 2, 4], cache: [false, true], inert: [0, 1, 2] } as const;
/** Planted main effects (highest level − lowest level), in noise SDs; the same in every environment. */
const PLANTED = [
  { metric: 'p99_ms', knob: 'batch', sds: 5 },
  { metric: 'p99_ms', knob: 'cache', sds: -5 },
  { metric: 'energy_j_per_inf', knob: 'batch', sds: -5 },
  { metric: 'energy_j_per_inf', knob: 'threads', sds: 5 },
] as const;

function unbalanced(rng: Rng): TrialRow[] {
  const bases: Record<string, { p99_ms: number; energy_j_per_inf: number }> = { resnet50: { p99_ms: 50, energy_j_per_inf: 0.5 }, mobilenetv2: { p99_ms: 20, energy_j_per_inf: 0.2 }, bert: { p99_ms: 35, energy_j_per_inf: 0.35 } };
  return simulate({
    knobs: UNBALANCED_KNOBS,
    environments: [context('resnet50'), context('mobilenetv2'), context('bert')],
    truth: (c, ctx) => {
      const base = bases[ctx.model]!;
      const share = (knob: keyof typeof UNBALANCED_KNOBS): number => levelIndex(UNBALANCED_KNOBS[knob], c[knob]) / (UNBALANCED_KNOBS[knob].length - 1);
      const out = { ...base };
      for (const planted of PLANTED) out[planted.metric] += planted.sds * NOISE_SD[planted.metric] * share(planted.knob);
      return out;
    },
    measuredShare: 0.6,
    repetitions: [1, 3],
    droppedShare: 0.08,
    noise: { kind: 'absolute' },
  }, rng);
}

const TRANSFER_KNOBS = { a: [0, 1, 2, 3], b: [0, 1, 2] } as const;

/**
 * Source best at a=0,b=0; in the target that configuration costs 10 + 5·slope against the target's best 10:
 * slope 1.2 gives a 60% regret, 0.4 a 20% one.
 */
function nonTransfer(rng: Rng, slope: number): TrialRow[] {
  return simulate({
    knobs: TRANSFER_KNOBS,
    environments: [context('m', 'light'), context('m', 'heavy')],
    truth: (c, ctx) => {
      const a = c.a as number;
      const b = c.b as number;
      const p99 = ctx.load === 'light' ? 10 + a + b : 10 + slope * (Math.abs(a - 3) + Math.abs(b - 2));
      return { p99_ms: p99, energy_j_per_inf: 0.5 };
    },
    measuredShare: 1,
    repetitions: [2, 3],
    droppedShare: 0,
    noise: { kind: 'relative', sd: 0.05 },
  }, rng);
}

const TIE_KNOBS = { a: [1, 2, 3], b: [1, 2, 3], fast: [true, false] } as const;

/** Nine configurations (fast=true) tie for the optimum in both environments: true regret 0. */
function tieStudy(rng: Rng): TrialRow[] {
  return simulate({
    knobs: TIE_KNOBS,
    environments: [context('small'), context('large')],
    truth: (c, ctx) => {
      const scale = ctx.model === 'large' ? 2 : 1;
      return { p99_ms: (c.fast ? 10 : 15) * scale, energy_j_per_inf: (c.fast ? 0.3 : 0.4) * scale };
    },
    measuredShare: 1,
    repetitions: [2, 3],
    droppedShare: 0,
    noise: { kind: 'relative', sd: 0.05 },
  }, rng);
}

// ---- measurement -------------------------------------------------------------------------------------------

function analyze(rows: readonly TrialRow[], seed: number): AnalysisResult {
  return analyzeTrials(rows, { objectives: OBJECTIVES, seed, skipPrediction: true });
}

const share = (count: number, of: number): string => (of === 0 ? 'not run' : `${((100 * count) / of).toFixed(1)}% (${count}/${of})`);
const doesNotTransfer = (r: AnalysisResult): boolean => r.findings.some((f) => f.kind === 'optimum-does-not-transfer');

function run(): void {
  const started = performance.now();
  const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
  const lines: string[] = [`bench:stats — ${DATASETS} datasets per scenario, seeded; load average at start ${load()}`];
  const kinds = new Map<string, number>();
  let anyFinding = 0;
  let effectsAcrossObjectives = 0;
  let noiseTransfer = 0;
  let noisePairs = 0;
  let noisePairsSignificant = 0;
  for (let d = 0; d < (runs('noise') ? DATASETS : 0); d++) {
    const result = analyze(pureNoise(createRng(d, 'bench-stats-noise')), d + 1);
    if (result.findings.length > 0) anyFinding++;
    const significantEffect = OBJECTIVES.some((o) => {
      const effects = result.effects[o.metric];
      return [...(effects?.main ?? []), ...(effects?.interactions ?? [])].some((e) => e.significant);
    });
    if (significantEffect) effectsAcrossObjectives++;
    for (const kind of new Set(result.findings.map((f) => f.kind))) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (doesNotTransfer(result)) noiseTransfer++;
    noisePairs += result.transfer.length;
    noisePairsSignificant += result.transfer.filter((p) => p.regretSignificant).length;
  }
  lines.push(
    '',
    'Pure noise (2–3 environments × 36 configurations, 2–3 repetitions, no knob has any effect)',
    `  datasets with any finding:              ${share(anyFinding, DATASETS)}   target ≤ 10%`,
    `    by kind: ${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`,
    `  datasets with a significant pooled effect (Holm over both objectives' tests): ${share(effectsAcrossObjectives, DATASETS)}`,
    `  datasets with "does not transfer":      ${share(noiseTransfer, DATASETS)}`,
    `  pairs with a significant regret:        ${share(noisePairsSignificant, noisePairs)}`,
  );

  let inertP99 = 0;
  let inertAny = 0;
  let inertInteraction = 0;
  let found = 0;
  let plantedTotal = 0;
  for (let d = 0; d < (runs('unbalanced') ? DATASETS : 0); d++) {
    const result = analyze(unbalanced(createRng(d, 'bench-stats-unbalanced')), d + 1);
    const inert = (metric: string): boolean => result.effects[metric]?.main.find((e) => e.knob === 'inert')?.significant === true;
    if (inert('p99_ms')) inertP99++;
    if (inert('p99_ms') || inert('energy_j_per_inf')) inertAny++;
    if (OBJECTIVES.some((o) => result.effects[o.metric]?.interactions.some((i) => i.knobs.includes('inert') && i.significant))) inertInteraction++;
    for (const planted of PLANTED) {
      plantedTotal++;
      const effect = result.effects[planted.metric]?.main.find((e) => e.knob === planted.knob);
      if (effect?.significant && Math.sign(effect.effectSize) === Math.sign(planted.sds)) found++;
    }
  }
  lines.push(
    '',
    'Unbalanced (3 environments, ~60% of 54 configurations each, 1–3 repetitions, ~8% rows failed/invalid)',
    `  inert knob significant for p99:         ${share(inertP99, DATASETS)}   target ≤ 10%`,
    `  inert knob significant, either metric:  ${share(inertAny, DATASETS)}`,
    `  an interaction with it significant:     ${share(inertInteraction, DATASETS)}`,
    `  planted effects (5× noise SD) found:    ${share(found, plantedTotal)}   target ≥ 95%`,
  );

  let detected = 0;
  let detectedSmall = 0;
  let tieFalse = 0;
  let tiePairs = 0;
  let tieRegretZero = 0;
  for (let d = 0; d < (runs('transfer') ? DATASETS : 0); d++) {
    const planted = (r: AnalysisResult): boolean =>
      r.findings.some((f) => f.kind === 'optimum-does-not-transfer' && f.text.startsWith('The optimum of m|images|light') && f.text.includes('does not transfer to m|images|heavy'));
    if (planted(analyze(nonTransfer(createRng(d, 'bench-stats-transfer'), 1.2), d + 1))) detected++;
    if (planted(analyze(nonTransfer(createRng(d, 'bench-stats-transfer-20'), 0.4), d + 1))) detectedSmall++;
    const ties = analyze(tieStudy(createRng(d, 'bench-stats-ties')), d + 1);
    if (doesNotTransfer(ties)) tieFalse++;
    tiePairs += ties.transfer.length;
    tieRegretZero += ties.transfer.filter((p) => p.regret.percent === 0).length;
  }
  lines.push(
    '',
    'Transfer (2 environments, 2–3 repetitions, 5% noise)',
    `  non-transferring optimum (60% regret) detected: ${share(detected, DATASETS)}   target ≥ 90%`,
    `  non-transferring optimum (20% regret) detected: ${share(detectedSmall, DATASETS)}`,
    `  tie study (9 configurations share the optimum): datasets with "does not transfer" ${share(tieFalse, DATASETS)}, pairs with regret 0 ${share(tieRegretZero, tiePairs)}`,
    '',
    `${((performance.now() - started) / 1000).toFixed(1)} s; load average at end ${load()}`,
  );
  console.log(lines.join('\n'));
}

run();
