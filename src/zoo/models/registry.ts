import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ServelabError } from '../../core/errors.js';
import type { ModelCard } from '../../core/model-card.js';
import { countModelCost } from '../onnx/cost-counter.js';
import { graphInputs, graphOutputs } from '../onnx/model-io.js';
import { encodeModel, type ModelProto } from '../onnx/onnx-schema.js';
import { packageDir } from '../datasets/package-files.js';
import { PACKAGED_MODELS, TRAINED_MODELS, type CatalogueEntry } from './catalogue.js';
import { CUSTOM_BERT_PATTERN, customBertEntry, GENERATED_MODELS } from './generated-models.js';
import { batchOneShapes, cardFromFile, costAt, readOnnxFile } from './introspect.js';
import { cachedFile, modelCacheDir, PACKAGE_ROOT } from './model-cache.js';
import { readTrainedMetadata } from './trained-metadata.js';

const CATALOGUE: readonly CatalogueEntry[] = [...GENERATED_MODELS, ...PACKAGED_MODELS, ...TRAINED_MODELS];

/** Every zoo model name, in listing order. */
export const MODEL_NAMES: readonly string[] = CATALOGUE.map((entry) => entry.name);

export interface ResolvedModel {
  readonly card: ModelCard;
  /** Absolute path of the .onnx file. */
  readonly path: string;
}

const cards = new Map<string, ModelCard>();

/** Cards of every zoo model (generated models are described from their graph without writing weights). */
export async function listModelCards(): Promise<ModelCard[]> {
  return CATALOGUE.map((entry) => cardOf(entry));
}

/** A zoo name or an .onnx path → its card and absolute file path (generated models are built into the cache on first use). */
export async function resolveModel(nameOrPath: string): Promise<ResolvedModel> {
  const entry = findEntry(nameOrPath);
  if (entry) return { card: cardOf(entry), path: fileOf(entry) };
  if (looksLikePath(nameOrPath)) {
    const path = resolve(nameOrPath);
    const known = entryForFile(path);
    return { card: known ? cardOf(known) : cardFromFile(path), path };
  }
  throw new ServelabError(
    `unknown model '${nameOrPath}': expected a zoo model (${MODEL_NAMES.join(', ')}), an encoder named ${CUSTOM_BERT_PATTERN}, or a path to an .onnx file`,
    'not-found',
  );
}

/** The card of a zoo name or an .onnx path. */
export async function getModelCard(nameOrPath: string): Promise<ModelCard> {
  const entry = findEntry(nameOrPath);
  return entry ? cardOf(entry) : (await resolveModel(nameOrPath)).card;
}

function findEntry(name: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.name === name) ?? customBertEntry(name);
}

/** The zoo entry whose file this is (packaged, committed or cached generated file), so its card keeps what introspection cannot know. */
function entryForFile(path: string): CatalogueEntry | undefined {
  return CATALOGUE.find((entry) => {
    const origin = entry.origin;
    if (origin.kind === 'generated') return path === join(modelCacheDir(), generatedFileName(entry.name, origin.version));
    try {
      return fileOf(entry) === path;
    } catch {
      return false; // its file is missing, so it cannot be this one
    }
  });
}

function generatedFileName(name: string, version: string): string {
  return `${name}-${version}.onnx`;
}

function looksLikePath(text: string): boolean {
  return text.endsWith('.onnx') || isAbsolute(text) || text.startsWith('.') || text.includes('/');
}

function fileOf(entry: CatalogueEntry): string {
  const origin = entry.origin;
  switch (origin.kind) {
    case 'package':
      return requireFile(join(packageDir(origin.packageName), origin.file), entry, `installed with npm package ${origin.packageName}`);
    case 'committed':
      return requireFile(join(PACKAGE_ROOT, origin.file), entry, `committed; regenerate it with \`npx tsx ${origin.script}\``);
    case 'generated':
      return cachedFile(generatedFileName(entry.name, origin.version), () => encodeModel(origin.build(true)));
  }
}

function requireFile(path: string, entry: CatalogueEntry, how: string): string {
  if (!existsSync(path)) throw new ServelabError(`model '${entry.name}': file ${path} is missing (expected it ${how})`, 'unavailable');
  return path;
}

function cardOf(entry: CatalogueEntry): ModelCard {
  const cached = cards.get(entry.name);
  if (cached) return cached;
  const card = entry.origin.kind === 'generated' ? generatedCard(entry, entry.origin.build(false)) : fileCard(entry);
  cards.set(entry.name, card);
  return card;
}

function baseCard(entry: CatalogueEntry): Omit<ModelCard, 'inputs' | 'outputs' | 'params' | 'flops'> {
  return {
    name: entry.name,
    task: entry.task,
    modality: entry.modality,
    description: entry.description,
    source: entry.source,
    licence: entry.licence,
    weights: entry.weights,
    defaultInputShapes: entry.defaultInputShapes,
  };
}

function generatedCard(entry: CatalogueEntry, proto: ModelProto): ModelCard {
  const graph = proto.graph ?? {};
  const inputs = graphInputs(graph);
  const cost = countModelCost(proto, batchOneShapes(inputs, entry.defaultInputShapes), entry.inputValues);
  return { ...baseCard(entry), inputs, outputs: graphOutputs(graph), params: cost.params, flops: cost.flops };
}

function fileCard(entry: CatalogueEntry): ModelCard {
  const inspected = readOnnxFile(fileOf(entry));
  const cost = costAt(inspected, entry.defaultInputShapes, entry.inputValues);
  const card: ModelCard = { ...baseCard(entry), inputs: inspected.inputs, outputs: inspected.outputs, params: cost.params, flops: cost.flops };
  if (entry.origin.kind !== 'committed') return card;
  const metadata = readTrainedMetadata(join(PACKAGE_ROOT, entry.origin.metadataFile));
  return { ...card, accuracy: metadata.accuracy };
}

