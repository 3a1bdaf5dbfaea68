import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/zoo/models/model-cache.js';
import { TrainedMetadataSchema, type TrainedMetadata } from '../../src/zoo/models/trained-metadata.js';
import { encodeModel, type ModelProto } from '../../src/zoo/onnx/onnx-schema.js';

/** Writes models/<name>.onnx and models/<name>.json (validated against the metadata schema the registry reads). */
export function writeTrainedModel(proto: ModelProto, metadata: TrainedMetadata): { onnxPath: string; metadataPath: string } {
  const dir = join(PACKAGE_ROOT, 'models');
  mkdirSync(dir, { recursive: true });
  const onnxPath = join(dir, `${metadata.name}.onnx`);
  const metadataPath = join(dir, `${metadata.name}.json`);
  writeFileSync(onnxPath, encodeModel(proto));
  writeFileSync(metadataPath, `${JSON.stringify(TrainedMetadataSchema.parse(metadata), null, 2)}\n`);
  return { onnxPath, metadataPath };
}
