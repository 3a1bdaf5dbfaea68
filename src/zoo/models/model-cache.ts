import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServelabError } from '../../core/errors.js';

/** servelab's checkout (or installed package) root: committed models live under <root>/models. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where generated models are written: $SERVELAB_CACHE_DIR, else <root>/.servelab-cache/models. */
export function modelCacheDir(): string {
  const fromEnv = process.env.SERVELAB_CACHE_DIR;
  return fromEnv ? resolve(fromEnv) : join(PACKAGE_ROOT, '.servelab-cache', 'models');
}

/**
 * Returns the cached file, writing it first when absent. Writes go to a unique temporary name and are renamed
 * into place, so concurrent processes never see a half-written model.
 */
export function cachedFile(fileName: string, produce: () => Uint8Array): string {
  const path = join(modelCacheDir(), fileName);
  if (existsSync(path)) return path;
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, produce());
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was written
    }
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new ServelabError(`cannot write generated model ${path} (${reason}): set SERVELAB_CACHE_DIR to a writable folder`, 'unavailable');
  }
  return path;
}
