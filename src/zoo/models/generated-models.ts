import type { CatalogueEntry } from './catalogue.js';

/** Standard architectures built by servelab's ONNX graph builder with seeded synthetic weights. */
export const GENERATED_MODELS: readonly CatalogueEntry[] = [];
