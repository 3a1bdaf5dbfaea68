/** Prediction results flattened for the report's figure and tables. */
import type { PredictionResult } from '../analysis/types.js';

export interface PredictionPoint {
  /** The performance model, e.g. 'random-forest', or the transfer model's description. */
  readonly learner: string;
  readonly strategy: 'target only' | 'transfer';
  readonly metric: string;
  readonly environment: string;
  readonly sampleSize: number;
  readonly mapePercent: number;
}

/** The target-only baseline of a transfer comparison: the best target-only model on the same few samples. */
export const BASELINE_LEARNER = 'best target-only model, same samples';

/** Learning-curve points (target only) and transfer-model points (source model + a linear correction). */
export function predictionPoints(prediction: PredictionResult): PredictionPoint[] {
  const curves = prediction.learningCurves.flatMap((curve) =>
    curve.points
      .filter((point) => Number.isFinite(point.mape))
      .map((point) => ({
        learner: curve.model,
        strategy: 'target only' as const,
        metric: curve.metric,
        environment: curve.environment,
        sampleSize: point.sampleSize,
        mapePercent: point.mape,
      })),
  );
  const transfer = prediction.transfer.flatMap((comparison) =>
    comparison.points
      .filter((point) => Number.isFinite(point.transferMape) && Number.isFinite(point.targetOnlyMape))
      .flatMap((point) => [
        {
          learner: `${comparison.sourceModel} on source + linear correction`,
          strategy: 'transfer' as const,
          metric: comparison.metric,
          environment: comparison.target,
          sampleSize: point.targetSamples,
          mapePercent: point.transferMape,
        },
        {
          learner: BASELINE_LEARNER,
          strategy: 'target only' as const,
          metric: comparison.metric,
          environment: comparison.target,
          sampleSize: point.targetSamples,
          mapePercent: point.targetOnlyMape,
        },
      ]),
  );
  return [...curves, ...transfer];
}
