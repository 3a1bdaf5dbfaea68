import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ServelabError } from '../../core/errors.js';

/** The metadata JSON a training script writes beside its .onnx file. */
export const TrainedMetadataSchema = z.strictObject({
  name: z.string(),
  script: z.string(),
  command: z.string(),
  seed: z.number().int(),
  dataset: z.string(),
  split: z.strictObject({ train: z.number().int().positive(), heldOut: z.number().int().positive(), rule: z.string() }),
  accuracy: z.strictObject({ value: z.number().min(0).max(1), dataset: z.string(), samples: z.number().int().positive() }),
  training: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.number())])),
  trainingSeconds: z.number().nonnegative(),
  createdAt: z.string(),
});

export type TrainedMetadata = z.infer<typeof TrainedMetadataSchema>;

export function readTrainedMetadata(path: string): TrainedMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ServelabError(`trained-model metadata '${path}' is missing or not JSON (${error instanceof Error ? error.message : error}): rerun its training script`, 'unavailable');
  }
  const parsed = TrainedMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new ServelabError(`trained-model metadata '${path}' is invalid: ${problems}`, 'invalid-input');
  }
  return parsed.data;
}
