/**
 * The report's inline markup, a strict subset of Markdown: `code`, **bold**, *emphasis*, [text](url) and
 * backslash escapes. Markdown output passes it through unchanged; HTML output converts it here.
 */
const ESCAPABLE = /[\\`*_[\]<>|#]/g;

/** Makes a data value (a model name, a finding's text) safe to place inside inline markup. */
export function escapeInline(text: string): string {
  return text.replace(ESCAPABLE, (character) => `\\${character}`);
}

/** Inline code for a data value: `value`, with backticks inside it replaced. */
export function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Converts inline markup to HTML. Unknown markup is shown as text, never interpreted as HTML. */
export function inlineToHtml(text: string): string {
  let html = '';
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '\\' && index + 1 < text.length) {
      html += escapeHtml(text[index + 1]!);
      index += 2;
      continue;
    }
    if (character === '`') {
      const end = text.indexOf('`', index + 1);
      if (end > index) {
        html += `<code>${escapeHtml(text.slice(index + 1, end))}</code>`;
        index = end + 1;
        continue;
      }
    }
    if (text.startsWith('**', index)) {
      const end = findClosing(text, '**', index + 2);
      if (end > 0) {
        html += `<strong>${inlineToHtml(text.slice(index + 2, end))}</strong>`;
        index = end + 2;
        continue;
      }
    }
    if (character === '*') {
      const end = findClosing(text, '*', index + 1);
      if (end > 0) {
        html += `<em>${inlineToHtml(text.slice(index + 1, end))}</em>`;
        index = end + 1;
        continue;
      }
    }
    if (character === '[') {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(text.slice(index));
      if (link) {
        const href = link[2]!;
        const safeHref = /^(https?:|#|\.{0,2}\/|[\w.-]+$)/.test(href) ? href : '#';
        html += `<a href="${escapeHtml(safeHref)}">${inlineToHtml(link[1]!)}</a>`;
        index += link[0].length;
        continue;
      }
    }
    html += escapeHtml(character);
    index += 1;
  }
  return html;
}

/** Position of the closing delimiter, skipping escaped characters and code spans; -1 if none. */
function findClosing(text: string, delimiter: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const character = text[index]!;
    if (character === '\\') {
      index += 1;
      continue;
    }
    if (character === '`') {
      const end = text.indexOf('`', index + 1);
      if (end > index) index = end;
      continue;
    }
    if (text.startsWith(delimiter, index) && index > from) {
      if (delimiter === '*' && text[index + 1] === '*') {
        index += 1;
        continue;
      }
      return index;
    }
  }
  return -1;
}
