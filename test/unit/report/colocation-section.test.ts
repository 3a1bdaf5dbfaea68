/** The co-location part of the report: its figures compile and render, its tables carry the intervals and fronts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colocationAnalysis } from '../../../src/analysis/colocation.js';
import { parseTrialCsv } from '../../../src/analysis/source/csv-rows.js';
import { consolidatedParetoFigure, interferenceFigure } from '../../../src/report/figures/colocation-figures.js';
import { renderFigure } from '../../../src/report/figures/render.js';
import { colocationBlocks } from '../../../src/report/sections/colocation.js';
import type { SectionContext } from '../../../src/report/sections/context.js';
import { trialPoints } from '../../../src/report/trial-points.js';
import { trialsToCsv } from '../../../src/report/trials-csv.js';
import { colocatedRows } from '../../support/analysis/colocation-rows.js';

test('the interference and consolidated-deployment figures render with labelled axes', async () => {
  const analysis = colocationAnalysis(colocatedRows(1.5))!;
  const interference = await renderFigure(interferenceFigure(analysis, ['poisson@light'])!);
  assert.match(interference.svg, /p99 co-served \/ p99 alone/);
  assert.match(interference.svg, /b · with a\+b/);
  const pareto = await renderFigure(consolidatedParetoFigure(analysis)!);
  assert.match(pareto.svg, /p99 of the worst model/);
  assert.match(pareto.svg, /energy per inference of the mix/);
});

test('the report blocks: interference with intervals, the figures, the fronts; nothing without co-location', async () => {
  const analysis = colocationAnalysis(colocatedRows(1.5))!;
  const context = { input: { analysis: { colocation: analysis } }, loadOrder: ['poisson@light'], knobOrder: ['instances'] } as unknown as SectionContext;
  const blocks = await colocationBlocks(context);
  assert.deepEqual(blocks[0], { kind: 'heading', text: 'Co-located models' });
  const tables = blocks.filter((block) => block.kind === 'table');
  const interference = tables[0]!;
  assert.ok(interference.kind === 'table' && interference.rows.some((row) => row[0] === 'b' && row[7] === '1.5 *' && /to/.test(row[8]!)), JSON.stringify(interference));
  assert.equal(blocks.filter((block) => block.kind === 'figure').length, 2);
  const fronts = tables[1]!;
  assert.ok(fronts.kind === 'table' && fronts.rows.some((row) => row[0] === 'a+b' && row[2] === 'instances=3'));
  const without = { input: { analysis: {} }, loadOrder: [], knobOrder: [] } as unknown as SectionContext;
  assert.deepEqual(await colocationBlocks(without), []);
});

test('the trials CSV keeps the group, and the analysis reads it back from there', () => {
  const rows = colocatedRows(1.5);
  const csv = trialsToCsv(rows, ['instances']);
  assert.match(csv.split('\n')[0]!, /ctx\.load,ctx\.coServed,/);
  const back = parseTrialCsv(csv, 'trials.csv');
  assert.deepEqual(
    back.map((row) => row.context.coServed),
    rows.map((row) => row.context.coServed),
  );
  assert.equal(colocationAnalysis(back)!.interference.find((estimate) => estimate.model === 'b')!.pairs, 12);
  assert.doesNotMatch(trialsToCsv(rows.map(({ context: { coServed: _c, ...context }, ...row }) => ({ ...row, context }))).split('\n')[0]!, /coServed/);
});

test('the report keeps a model alone and co-served apart: one point per environment and configuration', () => {
  const points = trialPoints(colocatedRows(1.5), ['instances']);
  const environments = [...new Set(points.map((point) => point.environment))].sort();
  assert.deepEqual(environments, ['a|wa|poisson@light|alone', 'a|wa|poisson@light|with a+b', 'b|wb|poisson@light|alone', 'b|wb|poisson@light|with a+b']);
  assert.equal(points.length, 4 * 3);
  assert.equal(trialPoints([{ ...colocatedRows(1)[0]!, context: { model: 'm', workload: 'w', load: 'l', machine: 'host' } }])[0]?.environment, 'm|w|l', 'the machine stays out, as before');
});
