/**
 * PNG renderings of the figures' SVG, for notebook viewers that show no vector output: Debian's nbconvert 6.5
 * (lxml's HTML cleaner strips every element inside an inline SVG) and plain Markdown viewers. resvg draws the
 * text with the system's fonts; without any font it would draw none, so then no PNG is made.
 */
import { Resvg } from '@resvg/resvg-js';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const FONT_DIRECTORIES = ['/usr/share/fonts', '/usr/local/share/fonts', join(homedir(), '.fonts'), join(homedir(), '.local/share/fonts'), '/System/Library/Fonts', '/Library/Fonts', 'C:\\Windows\\Fonts'];

let fontsFound: boolean | undefined;

export function systemFontsAvailable(): boolean {
  fontsFound ??= FONT_DIRECTORIES.some((directory) => {
    try {
      return existsSync(directory) && readdirSync(directory).length > 0;
    } catch {
      return false;
    }
  });
  return fontsFound;
}

/** The SVG as a PNG at twice its size (sharp on high-density screens), or undefined when it cannot be drawn faithfully. */
export function svgToPng(svg: string): Buffer | undefined {
  if (!systemFontsAvailable()) return undefined;
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return rendered.asPng();
}
