/** The five goals of the server's request path (issue #17), as markdown rows: now, goal, met. */

export interface ModelFigures {
  /** Binary HTTP, batch 1: median of (client latency − the server's session.run time), ms. */
  readonly binaryBeyondComputeMs: number;
  readonly binaryComputeMs: number;
  /** Binary HTTP, batch 1: minimum client latency − minimum in-process latency, ms. */
  readonly binaryMinOverheadMs: number;
  /** Batch 1: median gRPC latency − median binary HTTP latency, ms. */
  readonly grpcMinusBinaryMs: number;
  /**
   * Saturated server throughput / best in-process throughput, per server configuration. `extraCpu`: the server
   * also had the client's CPU (for its I/O thread), which the in-process baseline did not: shown, not judged.
   */
  readonly saturationRatios: readonly { label: string; ratio: number; extraCpu: boolean }[];
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const met = (ok: boolean | undefined) => (ok === undefined ? 'not run' : ok ? '**yes**' : 'no');

function ratios(figures: ModelFigures | undefined): { text: string; best: number | undefined } {
  const judged = figures?.saturationRatios.filter((entry) => !entry.extraCpu) ?? [];
  if (!figures || judged.length === 0) return { text: 'not run', best: undefined };
  const best = Math.max(...judged.map((entry) => entry.ratio));
  const text = figures.saturationRatios.map((entry) => (entry.extraCpu ? `[${fmt(entry.ratio)}: ${entry.label}]` : `${fmt(entry.ratio)} (${entry.label})`)).join(', ');
  return { text, best };
}

export function goalRows(byModel: ReadonlyMap<string, ModelFigures>): string[] {
  const cls = byModel.get('ocr-cls');
  const resnet = byModel.get('resnet18');
  const resnetShare = resnet ? resnet.binaryBeyondComputeMs / resnet.binaryComputeMs : undefined;
  const clsSaturation = ratios(cls);
  const resnetSaturation = ratios(resnet);
  return [
    '| model | what | now | goal | met |',
    '|---|---|---|---|---|',
    `| \`ocr-cls\` (small), batch 1, binary HTTP | client latency − server compute | ${cls ? `${fmt(cls.binaryBeyondComputeMs)} ms (min overhead vs in-process ${fmt(cls.binaryMinOverheadMs)} ms)` : 'not run'} | ≤ 0.4 ms | ${met(cls && cls.binaryBeyondComputeMs <= 0.4)} |`,
    `| \`resnet18\`, batch 1, binary HTTP | client latency − server compute | ${resnet ? `${fmt(resnet.binaryBeyondComputeMs)} ms = ${fmt(resnetShare! * 100, 1)}% of its ${fmt(resnet.binaryComputeMs, 1)} ms compute` : 'not run'} | ≤ 10% of compute | ${met(resnetShare === undefined ? undefined : resnetShare <= 0.1)} |`,
    `| \`ocr-cls\`, saturation, batch-1 clients, dynamic batching | server / best in-process | ${clsSaturation.text} | ≥ 0.9 | ${met(clsSaturation.best === undefined ? undefined : clsSaturation.best >= 0.9)} |`,
    `| \`resnet18\`, saturation | server / best in-process | ${resnetSaturation.text} | ≥ 0.95 | ${met(resnetSaturation.best === undefined ? undefined : resnetSaturation.best >= 0.95)} |`,
    `| gRPC vs binary HTTP, batch 1 | extra latency | ${cls ? `${cls.grpcMinusBinaryMs >= 0 ? '+' : ''}${fmt(cls.grpcMinusBinaryMs)} ms (ocr-cls)` : 'not run'} | ≤ +0.3 ms | ${met(cls && cls.grpcMinusBinaryMs <= 0.3)} |`,
  ];
}
