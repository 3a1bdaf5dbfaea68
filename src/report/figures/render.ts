/**
 * Vega-Lite figure definitions rendered in Node: compiled to Vega (for the interactive HTML page) and to a
 * static SVG (the notebook's fallback for viewers without a Vega-Lite renderer).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ServelabError } from '../../core/errors.js';
import type { RenderedFigure } from '../document.js';
import { svgToPng } from './raster.js';

/** Jupyter renders this MIME type with Vega-Lite 5; the specs keep to features Vega-Lite 5 has. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export interface FigureDefinition {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  /** A Vega-Lite spec without $schema, title or config (added here). */
  readonly spec: Readonly<Record<string, unknown>>;
}

const FIGURE_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 230 },
  title: { fontSize: 14, anchor: 'start', offset: 12 },
} as const;

/** A figure's full Vega-Lite spec and its compiled Vega spec (what a browser renders with the Vega runtime alone). */
export function compileFigure(definition: FigureDefinition): { vegaLiteSpec: Record<string, unknown>; vegaSpec: vega.Spec } {
  const vegaLiteSpec: Record<string, unknown> = {
    $schema: VEGA_LITE_SCHEMA,
    title: definition.title,
    ...definition.spec,
    config: FIGURE_CONFIG,
  };
  try {
    return { vegaLiteSpec, vegaSpec: compile(vegaLiteSpec as unknown as TopLevelSpec).spec };
  } catch (error) {
    throw new ServelabError(`figure ${definition.id}: the Vega-Lite spec does not compile: ${(error as Error).message}`, 'internal', { cause: error });
  }
}

export async function renderFigure(definition: FigureDefinition): Promise<RenderedFigure> {
  const { vegaLiteSpec, vegaSpec } = compileFigure(definition);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = svgToPng(svg);
    return {
      id: definition.id,
      title: definition.title,
      caption: definition.caption,
      vegaLiteSpec,
      vegaSpec: vegaSpec as Record<string, unknown>,
      svg,
      ...(png ? { pngBase64: png.toString('base64') } : {}),
    };
  } finally {
    view.finalize();
  }
}

export type AxisScale = { type: 'log' } | { type: 'linear'; zero: boolean };

/** Log scale when the positive values span more than about a decade and a half; linear otherwise. */
export function scaleFor(values: readonly number[]): AxisScale {
  return spansDecades(values) ? { type: 'log' } : { type: 'linear', zero: false };
}

/** For panels with independent axes: log only when some panel's own values span decades. */
export function scaleForGroups(groups: Iterable<readonly number[]>): AxisScale {
  for (const values of groups) if (spansDecades(values)) return { type: 'log' };
  return { type: 'linear', zero: false };
}

function spansDecades(values: readonly number[]): boolean {
  const finite = values.filter(Number.isFinite);
  const positive = finite.filter((value) => value > 0);
  if (positive.length === 0 || positive.length < finite.length) return false;
  return Math.max(...positive) / Math.min(...positive) > 30;
}

/** A short axis note for log scales, so readers don't misread distances. */
export function withScaleNote(title: string, scale: { type: string }): string {
  return scale.type === 'log' ? `${title}, log scale` : title;
}
