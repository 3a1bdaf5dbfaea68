import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getModelCard, resolveModel } from '../../../src/zoo/models/registry.js';
import { cardFromFile } from '../../../src/zoo/models/introspect.js';

/** Published parameter counts (torchvision model docs; Turc et al. 2019 for the BERT presets, encoder + pooler). */
const PUBLISHED_PARAMS: Record<string, number> = {
  resnet18: 11.69e6,
  resnet50: 25.56e6,
  mobilenetv2: 3.5e6,
  squeezenet1_1: 1.24e6,
  'bert-tiny': 4.39e6,
  'bert-mini': 11.17e6,
};

/** Published GFLOPs at 224x224 as multiply-adds (torchvision: 1.81, 4.09, 0.30, 0.35 GMACs); cards count a multiply-add as 2. */
const PUBLISHED_GMACS: Record<string, number> = { resnet18: 1.81, resnet50: 4.09, mobilenetv2: 0.3, squeezenet1_1: 0.35 };

for (const [name, published] of Object.entries(PUBLISHED_PARAMS)) {
  test(`${name} has the published parameter count within 1% (${published / 1e6}M)`, async () => {
    const card = await getModelCard(name);
    const error = Math.abs(card.params - published) / published;
    assert.ok(error < 0.01, `${name}: ${card.params} vs ${published} (${(error * 100).toFixed(2)}%)`);
  });
}

for (const [name, gmacs] of Object.entries(PUBLISHED_GMACS)) {
  test(`${name} FLOPs agree with the published multiply-add count within 5%`, async () => {
    const card = await getModelCard(name);
    const error = Math.abs(card.flops / 2e9 - gmacs) / gmacs;
    assert.ok(error < 0.05, `${name}: ${(card.flops / 2e9).toFixed(3)} GMACs vs ${gmacs} (${(error * 100).toFixed(1)}%)`);
  });
}

test('counting the written file gives the same params and FLOPs as the card built from the graph alone', async () => {
  for (const name of ['squeezenet1_1', 'bert-tiny', 'lstm-forecaster']) {
    const { card, path } = await resolveModel(name);
    const fromFile = cardFromFile(path);
    assert.equal(fromFile.params, card.params, `${name} params`);
    const reference = await getModelCard(name);
    assert.equal(reference.flops, card.flops);
  }
});

test('generated models are deterministic: the same seed writes byte-identical files, reused from the cache', async () => {
  const previous = process.env.SERVELAB_CACHE_DIR;
  const dirs = [mkdtempSync(join(tmpdir(), 'servelab-cache-a-')), mkdtempSync(join(tmpdir(), 'servelab-cache-b-'))];
  try {
    const files: Buffer[] = [];
    for (const dir of dirs) {
      process.env.SERVELAB_CACHE_DIR = dir;
      const { path } = await resolveModel('squeezenet1_1');
      assert.ok(path.startsWith(dir), `${path} is under ${dir}`);
      files.push(readFileSync(path));
      const again = await resolveModel('squeezenet1_1');
      assert.equal(again.path, path);
    }
    assert.ok(files[0]!.equals(files[1]!), 'byte-identical');
    assert.ok(files[0]!.byteLength > 4e6, 'holds the weights');
  } finally {
    if (previous === undefined) delete process.env.SERVELAB_CACHE_DIR;
    else process.env.SERVELAB_CACHE_DIR = previous;
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});
