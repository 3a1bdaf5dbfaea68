import { ServelabError } from '../../core/errors.js';
import { fashionMnistAvailability, fashionMnistDir, loadFashionMnist } from '../datasets/fashion-mnist.js';
import { loadMnist } from '../datasets/mnist.js';
import { loadSentiment } from '../datasets/sentiment.js';
import { loadSpamAssassin } from '../datasets/spam-assassin.js';
import { loadSeattleWeather, loadSp500 } from '../datasets/vega-series.js';
import { mnistStripsWorkload } from './digit-strips-workload.js';
import { imageClassificationWorkload } from './image-classification.js';
import { seriesWorkload } from './series-workload.js';
import { speechCommandsWorkload } from './speech-workload.js';
import { textWorkload } from './text-workload.js';
import type { Workload, WorkloadInfo } from './types.js';

const available = () => ({ available: true }) as const;

/** Every workload servelab ships: a real dataset plus the preprocessing that turns it into request tensors. */
export const WORKLOADS = {
  'mnist-digits': imageClassificationWorkload({
    name: 'mnist-digits',
    dataset: 'mnist',
    description: 'Single MNIST digits for image classifiers (resized bilinearly to the model input, grey on every channel)',
    defaultModel: 'mnist-cnn',
    availability: available,
    load: () => loadMnist(),
  }),
  'mnist-strips': mnistStripsWorkload,
  'fashion-mnist': imageClassificationWorkload({
    name: 'fashion-mnist',
    dataset: 'fashion-mnist',
    description: 'Fashion-MNIST test images for image classifiers (Debian dataset-fashion-mnist)',
    defaultModel: 'mnist-cnn',
    availability: () => fashionMnistAvailability(),
    datasetLocation: fashionMnistDir,
    load: () => loadFashionMnist(),
  }),
  'sentiment-sentences': textWorkload({
    name: 'sentiment-sentences',
    dataset: 'sentiment',
    description: 'Short review sentences (UCI Sentiment Labelled Sentences) for text classifiers and encoders',
    defaultModel: 'sentiment-cls',
    availability: available,
    load: () => loadSentiment(),
  }),
  'spam-emails': textWorkload({
    name: 'spam-emails',
    dataset: 'spam-assassin',
    description: 'Long, variable-length email bodies (SpamAssassin), cut at 512 tokens by default',
    defaultModel: 'bert-mini',
    availability: available,
    load: () => loadSpamAssassin(),
  }),
  'seattle-weather': seriesWorkload({
    name: 'seattle-weather',
    dataset: 'seattle-weather',
    description: '30-day windows of daily precipitation, max/min temperature and wind in Seattle',
    defaultModel: 'lstm-forecaster',
    defaultWindowLength: 30,
    load: () => loadSeattleWeather(),
  }),
  sp500: seriesWorkload({
    name: 'sp500',
    dataset: 'sp500',
    description: '60-day windows of daily S&P 500 open/high/low/close',
    defaultModel: 'lstm-forecaster',
    defaultWindowLength: 60,
    load: () => loadSp500(),
  }),
  'speech-commands': speechCommandsWorkload,
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof WORKLOADS;

export function listWorkloads(): WorkloadInfo[] {
  return Object.values(WORKLOADS).map((workload) => workload.info);
}

export function getWorkload(name: string): Workload {
  const workload = (WORKLOADS as Record<string, Workload>)[name];
  if (!workload) {
    throw new ServelabError(`unknown workload '${name}': expected one of ${Object.keys(WORKLOADS).join(', ')}`, 'not-found');
  }
  return workload;
}
