import type { Command } from 'commander';
import { ServelabError } from '../../core/errors.js';
import { getModelCard } from '../../zoo/models/registry.js';
import { zooModelInputs, type ZooModelInputs } from '../../zoo/workloads/model-catalogue.js';
import { getWorkload, listWorkloads } from '../../zoo/workloads/registry.js';
import type { Distribution, WorkloadDescription } from '../../zoo/workloads/types.js';
import { emitJson, printTable } from '../output.js';

/** `servelab workloads [--json]` and `servelab workloads show NAME [--model M] [--json]`. */
export function registerWorkloads(program: Command): void {
  const workloads = program
    .command('workloads')
    .description('list the request workloads (real datasets + preprocessing) with their payload and length distributions')
    .option('--json', 'print one JSON object per workload')
    .action(async (options: { json?: boolean }) => {
      const models = await zooModelInputs();
      const descriptions = listWorkloads().map((info) => getWorkload(info.name).describe(undefined, { models }));
      if (options.json) return emitJson(descriptions);
      printWorkloadTable(descriptions);
      printCardProblems(models);
    });

  workloads
    .command('show')
    .description("describe one workload; with --model, for that zoo model's inputs")
    .argument('<name>', 'workload name (see `servelab workloads`)')
    .option('--model <model>', 'zoo model name or .onnx path whose input specs to describe the workload for')
    .option('--json', 'print JSON')
    .action(async (name: string, _options: unknown, command: Command) => {
      // `--json` may land on the parent `workloads` command, which declares it too.
      const options = command.optsWithGlobals<{ model?: string; json?: boolean }>();
      const workload = getWorkload(name);
      const models = await zooModelInputs();
      const inputs = options.model === undefined ? undefined : await modelInputs(options.model, name);
      const description = workload.describe(inputs, { models, ...(options.model !== undefined && { modelName: options.model }) });
      if (options.json) return emitJson(description);
      printDescription(description);
      if (inputs && description.available) {
        const request = workload.createSampleStream(inputs, { seed: 0, modelName: options.model }).next();
        console.log(`\nOne request (batch 1): ${request.map((t) => `${t.name} ${t.datatype} [${t.shape.join(',')}]`).join(', ')}`);
      }
    });
}

/** Input specs of a zoo model or an .onnx file, checked against the workload. */
async function modelInputs(model: string, workloadName: string) {
  const { inputs } = await getModelCard(model);
  const fit = getWorkload(workloadName).fits(inputs);
  if (!fit.ok) throw new ServelabError(`workload '${workloadName}' does not fit model '${model}': ${fit.reason}`);
  return inputs;
}

function printCardProblems(models: readonly ZooModelInputs[]): void {
  for (const model of models) {
    if (model.cardProblem) console.log(`${model.name}: card unreadable (${model.cardProblem}); fit judged on its conventional inputs`);
  }
}

function printWorkloadTable(descriptions: readonly WorkloadDescription[]): void {
  printTable(
    ['NAME', 'DATASET', 'MODALITY', 'SAMPLES', 'PAYLOAD p50/max', 'LENGTH p50/p90/max', 'FITS MODELS'],
    descriptions.map((d) => [
      d.name,
      d.dataset,
      d.modality,
      d.available ? d.samples : 'unavailable',
      d.payloadBytes ? `${formatBytes(d.payloadBytes.p50)} / ${formatBytes(d.payloadBytes.max)}` : '-',
      d.sequenceLength ? `${lengths(d.sequenceLength)} ${d.sequenceLength.unit}` : '-',
      d.fitsModels.join(','),
    ]),
  );
  console.log('\nPayload: tensor bytes of one batch-1 request for the default model of each workload (`servelab workloads show NAME`).');
  for (const d of descriptions) if (!d.available) console.log(`${d.name}: ${d.unavailableReason}`);
}

function printDescription(d: WorkloadDescription): void {
  const rows: [string, string][] = [
    ['name', d.name],
    ['dataset', d.dataset],
    ['modality', d.modality],
    ['description', d.description],
    ['available', d.available ? 'yes' : `no: ${d.unavailableReason}`],
    ['samples', String(d.samples)],
    ['fits models', d.fitsModels.join(', ')],
    ['inputs from', d.inputsFrom],
  ];
  for (const [key, value] of Object.entries(d.preprocessing ?? {})) rows.push([`preprocessing: ${key}`, String(value)]);
  if (d.payloadBytes) rows.push(['payload bytes (batch 1)', distribution(d.payloadBytes)]);
  if (d.sequenceLength) rows.push([`length (${d.sequenceLength.unit}, as sent)`, distribution(d.sequenceLength)]);
  if (d.untruncatedLength) rows.push([`length (${d.untruncatedLength.unit}, untruncated)`, distribution(d.untruncatedLength)]);
  printTable(['FIELD', 'VALUE'], rows);
}

function distribution(d: Distribution): string {
  return `min ${d.min}  p50 ${d.p50}  p90 ${d.p90}  max ${d.max}  mean ${d.mean.toFixed(1)}`;
}

function lengths(d: Distribution): string {
  return `${d.p50}/${d.p90}/${d.max}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
