/**
 * The demo's studies. A study pairs every model with every workload, so the demo runs one study per model and
 * its workload, all from one study file (demo.yaml, or demo-quick.yaml for CI) that differs only in name, model
 * and workload; the report then treats them as one study. Every generated study file is written beside the
 * results, so each part can be rerun with `servelab explore`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStudy, type Study } from '../plan/study-schema.js';

export interface DemoPart {
  readonly model: string;
  readonly workload: string;
}

/**
 * Three modalities: an image model (a trained CNN on MNIST digits), a text model (sentiment sentences) and a
 * time-series model (an LSTM forecaster on Seattle weather). All three serve hundreds of requests per second on
 * one CPU, so every trial holds the 662+ requests its p99 needs within seconds.
 */
export const DEMO_PARTS: readonly DemoPart[] = [
  { model: 'mnist-cnn', workload: 'mnist-digits' },
  { model: 'sentiment-cls', workload: 'sentiment-sentences' },
  { model: 'lstm-forecaster', workload: 'seattle-weather' },
];

export const QUICK_DEMO_PARTS: readonly DemoPart[] = [
  { model: 'mnist-cnn', workload: 'mnist-digits' },
  { model: 'sentiment-cls', workload: 'sentiment-sentences' },
];

export interface DemoStudy {
  readonly part: DemoPart;
  readonly fileName: string;
  readonly yaml: string;
  readonly study: Study;
}

export function demoStudies(quick: boolean): DemoStudy[] {
  const template = readFileSync(fileURLToPath(new URL(quick ? './demo-quick.yaml' : './demo.yaml', import.meta.url)), 'utf8');
  return (quick ? QUICK_DEMO_PARTS : DEMO_PARTS).map((part) => {
    const name = `${quick ? 'servelab-demo-quick' : 'servelab-demo'}-${part.model}`;
    const yaml = template
      .replace(/^name: .*$/m, `name: ${name}`)
      .replace(/^models: .*$/m, `models: [${part.model}]`)
      .replace(/^workloads: .*$/m, `workloads: [${part.workload}]`);
    return { part, fileName: `study-${part.model}.yaml`, yaml, study: parseStudy(yaml, `demo study ${name}`) };
  });
}
