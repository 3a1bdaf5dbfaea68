import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module URL. When servelab runs from TypeScript sources (tests, the bin
 * launcher), the worker's entry is a .ts file that Node cannot load on its own: a small ESM trampoline
 * registers the TypeScript loader inside the worker first.
 */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const loaderUrl = import.meta.resolve('tsx/esm/api');
  const source =
    `import { register } from ${JSON.stringify(loaderUrl)};\n` +
    `register();\n` +
    `await import(${JSON.stringify(moduleUrl.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), options);
}
