import { GraphBuilder, type Value } from '../../onnx/graph-builder.js';
import { OnnxDataType, type ModelProto } from '../../onnx/onnx-schema.js';
import { dense } from './cnn-layers.js';

export interface LstmForecasterConfig {
  readonly features: number;
  readonly hidden: number;
  readonly layers: number;
  readonly horizon: number;
  /** Timesteps at which shapes are tracked and FLOPs counted; the graph takes any window length. */
  readonly referenceTimesteps: number;
}

/** Four daily weather features (e.g. seattle-weather precipitation, temp_max, temp_min, wind), one-step-ahead forecast. */
export const LSTM_FORECASTER: LstmForecasterConfig = { features: 4, hidden: 64, layers: 2, horizon: 1, referenceTimesteps: 30 };

/**
 * Stacked LSTM over a window of multivariate observations, input `input` [batch, timesteps, features], output
 * `forecast` [batch, horizon] from the last layer's final hidden state. LSTM weights use PyTorch's default
 * uniform(-1/sqrt(hidden), 1/sqrt(hidden)).
 */
export function buildLstmForecaster(config: LstmForecasterConfig, seed: number, withWeights: boolean): ModelProto {
  const { features, hidden, layers, horizon } = config;
  const b = new GraphBuilder({ graphName: 'lstm-forecaster', seed, withWeights });
  const input = b.input('input', OnnxDataType.FLOAT, ['batch', 'timesteps', features], [1, config.referenceTimesteps, features]);
  let sequence: Value = b.op('Transpose', [input], { perm: [1, 0, 2] }); // ONNX LSTM wants [timesteps, batch, features]
  let lastHidden: Value | undefined;
  const std = 1 / Math.sqrt(hidden) / Math.sqrt(3);
  for (let layer = 0; layer < layers; layer++) {
    const inputSize = sequence.shape[2] ?? 0;
    const [y, yH] = b.opMulti(
      'LSTM',
      [
        sequence,
        b.weight(`lstm.${layer}.W`, [1, 4 * hidden, inputSize], { std }),
        b.weight(`lstm.${layer}.R`, [1, 4 * hidden, hidden], { std }),
        b.weight(`lstm.${layer}.B`, [1, 8 * hidden], { std }),
      ],
      { hidden_size: hidden },
      2,
    );
    sequence = b.op('Squeeze', [y!, b.int64s([1])]); // [timesteps, 1 direction, batch, hidden] → [timesteps, batch, hidden]
    lastHidden = yH;
  }
  const final = b.op('Squeeze', [lastHidden!, b.int64s([0])]);
  b.output(dense(b, 'head', final, horizon), 'forecast', OnnxDataType.FLOAT, ['batch', horizon]);
  return b.finish(`LSTM forecaster: ${layers} layers, hidden ${hidden}, ${features} features → ${horizon}-step forecast; seeded synthetic weights`);
}
