import { join } from 'node:path';
import { readNumericCsv } from './csv.js';
import { cachedDataset } from './dataset-file.js';
import { packageDir } from './package-files.js';
import type { SeriesDataset } from './types.js';

export function defaultVegaDataDir(): string {
  return join(packageDir('vega-datasets'), 'data');
}

export const SEATTLE_WEATHER_FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;
export const SP500_FEATURES = ['open', 'high', 'low', 'close'] as const;

/** Daily Seattle weather 2012–2015 (1,461 days) from vega-datasets' seattle-weather.csv. */
export function loadSeattleWeather(dataDir = defaultVegaDataDir()): SeriesDataset {
  return loadSeries('seattle-weather', join(dataDir, 'seattle-weather.csv'), SEATTLE_WEATHER_FEATURES);
}

/** Daily S&P 500 prices 2000–2020 (5,105 trading days, OHLC) from vega-datasets' sp500-2000.csv. */
export function loadSp500(dataDir = defaultVegaDataDir()): SeriesDataset {
  return loadSeries('sp500', join(dataDir, 'sp500-2000.csv'), SP500_FEATURES);
}

function loadSeries(name: string, path: string, features: readonly string[]): SeriesDataset {
  return cachedDataset(`${name}:${path}`, () => {
    const table = readNumericCsv(path, 'date', features);
    return { name, features, timestamps: table.keys, rows: table.rows, values: table.values };
  });
}
