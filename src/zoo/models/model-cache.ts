import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, produce());
  renameSync(temporary, path);
  return path;
}
