import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ServelabError } from '../../core/errors.js';

const require = createRequire(import.meta.url);

/**
 * Root folder of an installed npm package. Resolves the package's entry point and walks up to its
 * package.json, because some packages (vega-datasets) do not export package.json itself.
 */
export function packageDir(packageName: string): string {
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch (error) {
    throw new ServelabError(
      `npm package '${packageName}' is not installed: expected it under node_modules (run npm install)`,
      'unavailable',
      { cause: error },
    );
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === packageName) return dir;
  }
  throw new ServelabError(`npm package '${packageName}': found ${entry} but no package.json above it`, 'unavailable');
}

function readPackageName(manifestPath: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed ? String(parsed.name) : undefined;
  } catch {
    return undefined;
  }
}
