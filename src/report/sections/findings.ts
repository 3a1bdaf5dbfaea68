/** Section 11: the analysis's ranked findings, each with the numbers behind it and its explanation. */
import type { Block, Section } from '../document.js';
import { formatNumber } from '../../core/format.js';
import { decompositionFigure } from '../figures/decomposition-figure.js';
import { codeSpan, escapeInline } from '../inline.js';
import { figureBlocks, type SectionContext } from './context.js';

const MAX_FINDINGS = 15;

/** Explanation figures for the first findings only: each is a rendered figure. */
const MAX_EXPLANATION_FIGURES = 5;

export async function findingsSection(context: SectionContext): Promise<Section> {
  const all = [...context.input.analysis.findings].sort((a, b) => a.rank - b.rank);
  const findings = all.slice(0, MAX_FINDINGS);
  return {
    id: 'findings',
    title: 'Findings',
    blocks:
      findings.length === 0
        ? [{ kind: 'paragraph', text: 'The analysis found no effect or difference larger than its measurement noise.' }]
        : [
            {
              kind: 'paragraph',
              text:
                'Ranked by effect size and surprise (sign flips across environments, interactions stronger than main effects, optima that do not transfer). Differences smaller than their noise are never listed.' +
                (all.length > findings.length ? ` The first ${findings.length} of ${all.length} findings; all are in the exported analysis JSON.` : ''),
            },
            {
              kind: 'list',
              ordered: true,
              items: findings.map((finding) => {
                const numbers = Object.entries(finding.numbers)
                  .map(([name, value]) => `${escapeInline(name)} = ${formatNumber(value)}`)
                  .join(', ');
                const why = finding.explanation ? ` **Why:** ${escapeInline(finding.explanation.text)}.` : '';
                return `${escapeInline(finding.text)} *(${codeSpan(finding.kind)}${numbers ? `; ${numbers}` : ''})*${why}`;
              }),
            },
            ...(await explanationFigures(findings)),
          ],
  };
}

async function explanationFigures(findings: readonly SectionContext['input']['analysis']['findings'][number][]): Promise<Block[]> {
  const figures = findings.flatMap((finding) => {
    const figure = finding.explanation ? decompositionFigure(finding.rank, finding.explanation) : undefined;
    return figure ? [figure] : [];
  });
  const blocks: Block[] = [];
  for (const figure of figures.slice(0, MAX_EXPLANATION_FIGURES)) blocks.push(...(await figureBlocks(figure)));
  return blocks;
}
