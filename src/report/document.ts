/**
 * The report as a format-neutral document: sections of blocks. The notebook writer and the HTML writer both
 * render this one structure, so the two outputs always say the same thing.
 *
 * Text fields use a small inline markup: `code`, **bold**, *emphasis*, [link text](url), and backslash
 * escapes (see inline.ts). Values taken from data must pass through `escapeInline` first.
 */
export type Block =
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[]; readonly ordered?: boolean }
  | { readonly kind: 'callout'; readonly text: string }
  | TableBlock
  | { readonly kind: 'figure'; readonly figure: RenderedFigure }
  | CodeBlock;

export interface TableBlock {
  readonly kind: 'table';
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns to right-align (numbers). */
  readonly numericColumns?: readonly number[];
  readonly caption?: string;
}

export interface CodeBlock {
  readonly kind: 'code';
  readonly language: 'python' | 'typescript' | 'bash' | 'yaml' | 'json';
  readonly source: string;
  /** True: a notebook code cell a reader can run. False: shown as a listing only. */
  readonly runnable: boolean;
}

export interface Section {
  /** Stable id, used for cell ids and HTML anchors ([a-z0-9-]). */
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** A Vega-Lite figure with its static SVG rendering and the compiled Vega spec for interactive HTML. */
export interface RenderedFigure {
  /** Stable id ([a-z0-9-]), unique within a report. */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly vegaLiteSpec: Readonly<Record<string, unknown>>;
  readonly vegaSpec: Readonly<Record<string, unknown>>;
  readonly svg: string;
  /** The SVG rasterized (base64 PNG), when the machine has fonts to draw its text with. */
  readonly pngBase64?: string;
}

/** Files written next to the report, named relative to it, that the code cells reload. */
export interface ReportExports {
  readonly trialsCsv: string;
  readonly analysisJson: string;
  readonly figuresJson: string;
  /** Folder of the figures as SVG files. */
  readonly figuresDirectory: string;
}

export interface ReportDocument {
  readonly title: string;
  readonly subtitle: string;
  readonly generatedAt: string;
  readonly sections: readonly Section[];
  readonly exports: ReportExports;
}

/** Every figure in the document, in reading order. */
export function documentFigures(document: ReportDocument): RenderedFigure[] {
  return document.sections.flatMap((section) =>
    section.blocks.flatMap((block) => (block.kind === 'figure' ? [block.figure] : [])),
  );
}
