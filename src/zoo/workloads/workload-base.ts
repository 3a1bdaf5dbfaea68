import { ServelabError } from '../../core/errors.js';
import type { TensorSpec } from '../../core/tensor.js';
import type { DatasetAvailability } from '../datasets/types.js';
import { distributionOf } from './distribution.js';
import { conventionalModelInputs } from './model-catalogue.js';
import type { SamplePlan } from './sample-plan.js';
import { createPlanStream } from './sample-stream.js';
import type { FitResult, SampleStreamOptions, Workload, WorkloadDescription, WorkloadInfo } from './types.js';

export type StaticWorkloadInfo = Omit<WorkloadInfo, 'availability'>;

/** Just the descriptive fields of a workload's source (sources also carry loaders and options). */
export function staticInfo(source: Omit<StaticWorkloadInfo, 'modality'>, modality: WorkloadInfo['modality']): StaticWorkloadInfo {
  return { name: source.name, dataset: source.dataset, modality, description: source.description, defaultModel: source.defaultModel };
}

export interface WorkloadDefinition<Prepared> {
  readonly info: StaticWorkloadInfo;
  readonly availability: () => DatasetAvailability;
  /** Where the dataset is read from, when that can change at run time (optional Debian datasets). */
  readonly datasetLocation?: () => string;
  readonly fits: (inputs: readonly TensorSpec[]) => FitResult;
  /** Called only for inputs that fit and an available dataset. */
  readonly plan: (inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>) => SamplePlan<Prepared>;
}

/** The behaviour every workload shares: availability and fit checks, plan caching, streams and descriptions. */
export function defineWorkload<Prepared>(definition: WorkloadDefinition<Prepared>): Workload {
  const info = definition.info;
  const plans = new Map<string, SamplePlan<Prepared>>();

  const requireAvailable = (): void => {
    const availability = definition.availability();
    if (!availability.available) {
      throw new ServelabError(`workload '${info.name}' is unavailable: ${availability.reason}`, 'unavailable');
    }
  };
  const requireFit = (inputs: readonly TensorSpec[]): void => {
    const fit = definition.fits(inputs);
    if (!fit.ok) throw new ServelabError(`workload '${info.name}' does not fit the model: ${fit.reason}`);
  };
  const planFor = (inputs: readonly TensorSpec[], options: Partial<SampleStreamOptions>): SamplePlan<Prepared> => {
    requireAvailable();
    requireFit(inputs);
    const { seed: _seed, ...planOptions } = options;
    const location = definition.datasetLocation?.() ?? '';
    const key = JSON.stringify([location, inputs, planOptions]);
    let plan = plans.get(key);
    if (!plan) {
      const built = definition.plan(inputs, planOptions);
      // The sample cache is keyed by the plan key: keep samples of different dataset folders apart.
      plan = location ? { ...built, key: `${location}|${built.key}` } : built;
      plans.set(key, plan);
    }
    return plan;
  };

  return {
    get info(): WorkloadInfo {
      return { ...info, availability: definition.availability() };
    },
    fits: definition.fits,
    createSampleStream(inputs, options) {
      const plan = planFor(inputs, options);
      return createPlanStream(plan, info.name, options.seed, options.batchSize ?? 1);
    },
    describe(inputs, hints = {}) {
      const models = hints.models ?? conventionalModelInputs();
      const fitsModels = models.filter((model) => definition.fits(model.inputs).ok).map((model) => model.name);
      const specs = inputs ?? conventionalModelInputs().find((model) => model.name === info.defaultModel)?.inputs;
      const { defaultModel, ...described } = info;
      const modelName = inputs ? hints.modelName : defaultModel;
      const base = { ...described, fitsModels, inputsFrom: modelName ?? 'given inputs' };
      const availability = definition.availability();
      if (!availability.available) return { ...base, available: false, unavailableReason: availability.reason, samples: 0 };
      if (!specs) throw new ServelabError(`workload '${info.name}': its default model '${info.defaultModel}' is not in the zoo`, 'internal');
      return { ...base, available: true, ...describePlan(planFor(specs, modelName === undefined ? {} : { modelName })) };
    },
  };
}

function describePlan(
  plan: SamplePlan<unknown>,
): Pick<WorkloadDescription, 'samples' | 'preprocessing' | 'payloadBytes' | 'sequenceLength' | 'untruncatedLength'> {
  const indices = Array.from({ length: plan.sampleCount }, (_, i) => i);
  const unit = plan.sequenceUnit ?? 'elements';
  return {
    samples: plan.sampleCount,
    preprocessing: plan.preprocessing,
    payloadBytes: distributionOf(indices.map((i) => plan.payloadBytes(i))),
    ...(plan.sequenceLength && { sequenceLength: { ...distributionOf(indices.map((i) => plan.sequenceLength!(i))), unit } }),
    ...(plan.untruncatedLength && { untruncatedLength: { ...distributionOf(indices.map((i) => plan.untruncatedLength!(i))), unit } }),
  };
}
