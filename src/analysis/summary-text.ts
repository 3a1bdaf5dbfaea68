/** The plain-text summary `servelab analyze` prints: findings first, then fronts, drivers, transfer, prediction. */
import { configurationLabel, formatNumber, formatPValue } from '../core/format.js';
import { MIN_COMMON_CONFIGURATIONS } from './transfer-support.js';
import type { AnalysisResult, TransferPair } from './types.js';

const MAX_TABLE_ROWS = 12;

export function summaryText(result: AnalysisResult): string {
  const out: string[] = [];
  const ex = result.excluded;
  out.push(
    `Analysed ${ex.analyzedRows} of ${ex.totalRows} rows: ${result.environments.reduce((s, e) => s + e.configurations, 0)} configuration measurements in ${result.environments.length} environment(s).`,
    `Excluded: ${ex.failed} failed, ${ex.invalid} invalid, ${ex.unstable} unstable (repetitions vary > ${formatNumber(result.settings.maxCv * 100)}%), ${ex.incomplete} incomplete.` +
      (ex.metricsLeftOut.length > 0 ? ` Metrics measured in only some rows, left out: ${ex.metricsLeftOut.join(', ')}.` : ''),
    `Objectives: ${result.objectives.map((o) => `${o.metric} (${o.direction})`).join(', ')}.`,
    '',
    'Findings (ranked by effect size and surprise)',
  );
  if (result.findings.length === 0) out.push('  No effect is larger than its noise.');
  for (const finding of result.findings.slice(0, 15)) {
    out.push(`  ${finding.rank}. ${finding.text}.`);
    if (finding.explanation) out.push(`     Why: ${finding.explanation.text}.`);
  }
  out.push('', 'Pareto fronts (reference point: worst measured value + 10% of the range, per objective)');
  out.push(...table(
    ['environment', 'front', 'near front', 'hypervolume', 'normalized', 'knee'],
    result.pareto.map((p) => [
      p.environment,
      String(p.front.filter((m) => !m.withinNoise).length),
      String(p.front.filter((m) => m.withinNoise).length),
      formatNumber(p.hypervolume),
      formatNumber(p.normalizedHypervolume),
      p.knee ? configurationLabel(p.knee.configuration) : '',
    ]),
  ));
  const membership = result.paretoMembership;
  out.push(`  Pareto-optimal everywhere: ${membership.everywhere.length}, somewhere: ${membership.somewhere.length}, nowhere: ${membership.nowhere} (of ${membership.configurations}).`);
  for (const entry of membership.everywhere.slice(0, 5)) out.push(`    everywhere: ${configurationLabel(entry.configuration)}`);
  for (const objective of result.objectives) {
    const effects = result.effects[objective.metric];
    if (!effects) continue;
    const importance = new Map(effects.importance.map((i) => [i.knob, i.importance]));
    // Per environment: in how many the knob's effect is significantly up (↑) or down (↓).
    const perEnvironment = new Map<string, string>();
    const environments = Object.values(result.effectsByEnvironment);
    if (environments.length > 1) {
      for (const e of effects.main) {
        const inEach = environments.map((byMetric) => byMetric[objective.metric]?.main.find((m) => m.knob === e.knob)).filter((m) => m?.significant);
        const up = inEach.filter((m) => m!.effectSize > 0).length;
        const down = inEach.filter((m) => m!.effectSize < 0).length;
        perEnvironment.set(e.knob, `${up}↑ ${down}↓ of ${environments.length}`);
      }
    }
    out.push('', `What drives ${objective.metric}${environmentsNote(result)} (R² ${formatNumber(effects.rSquared)}; effect = mean at high level − mean at low level)`);
    const rows = [
      ...effects.main.map((e) => ({ name: e.knob, effect: e.effectSize, ci: e.ci, p: e.pAdjusted, eta: e.partialEtaSquared, significant: e.significant, note: (e.nonMonotonic ? `turns at ${e.turningLevel}` : ''), importance: importance.get(e.knob), environments: perEnvironment.get(e.knob) ?? '' })),
      ...effects.interactions.map((e) => ({ name: e.knobs.join(' × '), effect: e.effectSize, ci: e.ci, p: e.pAdjusted, eta: e.partialEtaSquared, significant: e.significant, note: '', importance: undefined, environments: '' })),
    ].sort((a, b) => b.eta - a.eta).slice(0, MAX_TABLE_ROWS);
    out.push(...table(
      ['knob(s)', 'effect', '95% CI', 'p (Holm)', 'partial η²', 'importance', 'per environment', ''],
      rows.map((r) => [r.name, formatNumber(r.effect), `${formatNumber(r.ci[0])} … ${formatNumber(r.ci[1])}`, formatPValue(r.p), formatNumber(r.eta), r.importance === undefined ? '' : formatNumber(r.importance), r.environments, [r.significant ? 'significant' : 'within noise', r.note].filter(Boolean).join(', ')]),
    ));
  }
  for (const objective of result.objectives) {
    const all = result.transfer.filter((t) => t.metric === objective.metric);
    if (all.length === 0) continue;
    const pairs = all.filter((t) => !t.withheld).sort((a, b) => b.regret.percent - a.regret.percent);
    const withheld = all.filter((t) => t.withheld);
    out.push('', `Transfer of ${objective.metric} across environments (regret: the source's best run in the target vs the target's best; 0 when within noise)`);
    if (pairs.length > 0) {
      out.push(...table(
        ['source → target', 'common', 'pearson', 'spearman', 'kendall', 'KL', 'top10%', 'bottom10%', 'pareto', 'regret', 'regret 95% CI', ''],
        pairs.slice(0, MAX_TABLE_ROWS).map((t) => [
          `${t.source} → ${t.target}`,
          String(t.commonConfigurations),
          formatNumber(t.pearson), formatNumber(t.spearman), formatNumber(t.kendall), formatNumber(t.kl),
          formatNumber(t.topOverlap), formatNumber(t.bottomOverlap), formatNumber(t.paretoOverlap),
          `${formatNumber(t.regret.percent)}% (${formatNumber(t.regret.absolute)})`,
          Number.isFinite(t.regretPercentCi[0]) ? `${formatNumber(t.regretPercentCi[0])} … ${formatNumber(t.regretPercentCi[1])}%` : '',
          regretVerdict(t),
        ]),
      ));
      if (pairs.length > MAX_TABLE_ROWS) out.push(`  … ${pairs.length - MAX_TABLE_ROWS} more pairs in --json`);
    }
    if (withheld.length > 0) {
      out.push(`  ${withheld.length} pair(s) without statement: too few common configurations (fewer than ${MIN_COMMON_CONFIGURATIONS}), e.g. ${withheld[0]!.source} → ${withheld[0]!.target} (${withheld[0]!.commonConfigurations}).`);
    }
  }
  out.push(...colocationLines(result));
  const curves = result.prediction.learningCurves;
  if (curves.length > 0) {
    out.push('', `Prediction: MAPE (%) on ${curves[0]!.heldOut} held-out configurations of ${curves[0]!.environment === 'all' ? 'all environments (environment as a feature)' : curves[0]!.environment} by training sample size`);
    const sizes = [...new Set(curves.flatMap((c) => c.points.map((p) => p.sampleSize)))].sort((a, b) => a - b);
    out.push(...table(['metric', 'model', ...sizes.map(String)], curves.map((c) => [c.metric, c.model, ...sizes.map((n) => {
      const point = c.points.find((p) => p.sampleSize === n);
      return point ? formatNumber(point.mape) : '';
    })])));
  }
  for (const comparison of result.prediction.transfer) {
    out.push(`  transfer ${comparison.metric}: ${comparison.source} → ${comparison.target}, MAPE transfer vs target-only: ` +
      comparison.points.map((p) => `${p.targetSamples} samples ${formatNumber(p.transferMape)}% vs ${formatNumber(p.targetOnlyMape)}%`).join('; '));
  }
  for (const note of result.prediction.notes) out.push(`  note: ${note}`);
  return `${out.join('\n')}\n`;
}

/** Co-located models: each model's interference (p99 co-served / alone) with its interval. */
function colocationLines(result: AnalysisResult): string[] {
  const colocation = result.colocation;
  if (!colocation) return [];
  const level = `${Math.round(colocation.confidenceLevel * 100)}%`;
  const lines = ['', `Interference of co-located models: p99 co-served / p99 alone over matched (configuration, repetition) pairs, ${level} interval`];
  lines.push(...table(
    ['model', 'load', 'served with', 'pairs', 'ratio', 'interval'],
    colocation.interference.map((estimate) => [
      estimate.model,
      estimate.load,
      estimate.coServed,
      String(estimate.pairs),
      `${formatNumber(estimate.ratio)}${estimate.significant ? ' *' : ''}`,
      estimate.ratioInterval ? `${formatNumber(estimate.ratioInterval[0])} to ${formatNumber(estimate.ratioInterval[1])}` : '–',
    ]),
  ));
  for (const note of colocation.notes) lines.push(`  note: ${note}`);
  return lines;
}

function regretVerdict(pair: TransferPair): string {
  if (!Number.isFinite(pair.regretPValue ?? Number.NaN)) return 'descriptive (no repetitions)';
  if (pair.regretSignificant) return `significant (adjusted ${formatPValue(pair.regretPValueAdjusted ?? Number.NaN)})`;
  return pair.regret.percent === 0 && (pair.observedRegret?.percent ?? 0) > 0 ? 'within noise (tie)' : 'within noise';
}

function environmentsNote(result: AnalysisResult): string {
  return result.environments.length > 1 ? `, pooled over ${result.environments.length} environments as blocks` : '';
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(headers), ...rows.map(line)];
}
