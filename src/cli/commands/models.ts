import type { Command } from 'commander';
import type { ModelCard } from '../../core/model-card.js';
import type { TensorSpec } from '../../core/tensor.js';
import { getModelCard, listModelCards } from '../../zoo/models/registry.js';
import { emitJson, printTable } from '../output.js';

/** `servelab models [--json]` and `servelab models show NAME [--json]`. */
export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('list the model zoo (generated, packaged pre-trained and trained-here models) with their cards')
    .option('--json', 'print one JSON object per model')
    .action(async (options: { json?: boolean }) => {
      const cards = await listModelCards();
      if (options.json) return emitJson(cards.map(cardJson));
      printTable(
        ['NAME', 'TASK', 'MODALITY', 'WEIGHTS', 'PARAMS', 'GFLOPS', 'INPUTS'],
        cards.map((c) => [c.name, c.task, c.modality, c.weights, formatParams(c.params), formatGflops(c.flops), c.inputs.map(formatSpec).join(' ')]),
      );
      console.log('\nGFLOPS: per sample at the default input size (multiply-add = 2). `servelab models show NAME` prints a full card; any .onnx path works as NAME.');
    });

  models
    .command('show')
    .description('print the full card of a zoo model or of an .onnx file (derived by introspection)')
    .argument('<name>', 'zoo model name (see `servelab models`) or path to an .onnx file')
    .option('--json', 'print JSON')
    .action(async (name: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ json?: boolean }>();
      const card = await getModelCard(name);
      if (options.json) return emitJson(cardJson(card));
      const rows: [string, string][] = [
        ['name', card.name],
        ['task', card.task],
        ['modality', card.modality],
        ['weights', card.weights],
        ['description', card.description],
        ['source', card.source],
        ['licence', card.licence],
        ['params', `${card.params.toLocaleString('en-US')} (${formatParams(card.params)})`],
        ['flops', `${card.flops.toLocaleString('en-US')} per sample (${formatGflops(card.flops)} GFLOPs)`],
        ...card.inputs.map((s): [string, string] => ['input', formatSpec(s)]),
        ...card.outputs.map((s): [string, string] => ['output', formatSpec(s)]),
        ['default input shapes', Object.entries(card.defaultInputShapes).map(([n, s]) => `${n} [${s.join(', ')}]`).join('; ')],
      ];
      if (card.accuracy) rows.push(['accuracy', `${card.accuracy.value.toFixed(4)} on ${card.accuracy.dataset} (${card.accuracy.samples} samples)`]);
      printTable(['FIELD', 'VALUE'], rows);
    });
}

/** The JSON form of a card: -1 marks dynamic axes; `accuracy` only where measured. */
function cardJson(card: ModelCard): Record<string, unknown> {
  return {
    name: card.name,
    task: card.task,
    modality: card.modality,
    weights: card.weights,
    params: card.params,
    flops: card.flops,
    inputs: card.inputs,
    outputs: card.outputs,
    defaultInputShapes: card.defaultInputShapes,
    source: card.source,
    licence: card.licence,
    description: card.description,
    ...(card.accuracy ? { accuracy: card.accuracy } : {}),
  };
}

function formatSpec(spec: TensorSpec): string {
  return `${spec.name}:${spec.datatype}[${spec.shape.join(',')}]`;
}

function formatParams(params: number): string {
  return params >= 1e6 ? `${(params / 1e6).toFixed(2)}M` : `${(params / 1e3).toFixed(1)}K`;
}

function formatGflops(flops: number): string {
  return (flops / 1e9).toPrecision(3);
}
