/** Public surface of the workloads: the registry, the stream and description types, the model catalogue. */
export { getWorkload, listWorkloads, WORKLOADS, type WorkloadName } from './registry.js';
export { conventionalModelInputs, zooModelInputs, type ZooModelInputs } from './model-catalogue.js';
export { ZOO_MODEL_INPUTS } from './model-conventions.js';
export { clearSampleCaches } from './sample-stream.js';
export type {
  DescribeHints,
  Distribution,
  FitResult,
  ImageNormalisation,
  SampleStream,
  SampleStreamOptions,
  Workload,
  WorkloadDescription,
  WorkloadInfo,
} from './types.js';
