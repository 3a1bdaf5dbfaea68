import type { TensorSpec } from '../../core/tensor.js';

/**
 * Input specs of the zoo's models, as their servers report them in KServe v2 metadata. Used to say which
 * zoo models a workload fits; the models' own cards are the authority once the model registry provides them.
 */
export const ZOO_MODEL_INPUTS: Readonly<Record<string, readonly TensorSpec[]>> = {
  resnet18: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
  resnet50: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
  mobilenetv2: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
  squeezenet1_1: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
  'mnist-cnn': [{ name: 'input', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
  'ocr-det': [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }],
  'ocr-rec': [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, -1] }],
  'ocr-cls': [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 48, 192] }],
  'bert-tiny': textInputs(),
  'bert-mini': textInputs(),
  'sentiment-cls': textInputs(),
  'lstm-forecaster': [{ name: 'input', datatype: 'FP32', shape: [-1, -1, 4] }],
  'silero-vad': [
    { name: 'input', datatype: 'FP32', shape: [-1, -1] },
    { name: 'state', datatype: 'FP32', shape: [2, -1, 128] },
    { name: 'sr', datatype: 'INT64', shape: [] },
  ],
};

function textInputs(): TensorSpec[] {
  return [
    { name: 'input_ids', datatype: 'INT64', shape: [-1, -1] },
    { name: 'attention_mask', datatype: 'INT64', shape: [-1, -1] },
  ];
}
