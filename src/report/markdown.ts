/** Blocks as Markdown text, for notebook markdown cells. */
import type { Block, TableBlock } from './document.js';

export function blockToMarkdown(block: Exclude<Block, { kind: 'figure' }>): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'heading':
      return `### ${block.text}`;
    case 'list':
      return block.items.map((item, index) => `${block.ordered ? `${index + 1}.` : '-'} ${item}`).join('\n');
    case 'callout':
      return `> ${block.text}`;
    case 'table':
      return tableToMarkdown(block);
    case 'code':
      return `\`\`\`${block.language}\n${block.source}\n\`\`\``;
  }
}

function tableToMarkdown(table: TableBlock): string {
  const numeric = new Set(table.numericColumns ?? []);
  const row = (cells: readonly string[]): string => `| ${cells.map((cell) => cell.replace(/\n/g, ' ')).join(' | ')} |`;
  const rule = `|${table.headers.map((_, index) => (numeric.has(index) ? '---:' : ':---')).join('|')}|`;
  const lines = [row(table.headers), rule, ...table.rows.map(row)];
  if (table.rows.length === 0) lines.push(row(table.headers.map((_, index) => (index === 0 ? '*(none)*' : ''))));
  return `${lines.join('\n')}${table.caption ? `\n\n*${table.caption}*` : ''}`;
}
