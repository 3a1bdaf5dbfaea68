import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OsCapabilities } from '../../../src/knobs/detect.js';
import { removeStaleGroups } from '../../../src/knobs/stale-groups.js';

test('groups of a runner that no longer runs are removed; live ones and others are kept', (t) => {
  const parentDir = mkdtempSync(join(tmpdir(), 'servelab-groups-'));
  t.after(() => rmSync(parentDir, { recursive: true, force: true }));
  let deadPid = 4_000_000;
  while (existsSync(`/proc/${deadPid}`)) deadPid++;
  for (const name of [`servelab-${deadPid}-1`, `servelab-${deadPid}-2`, `servelab-${process.pid}-1`, 'system.slice']) mkdirSync(join(parentDir, name));
  const caps = { cpu: { version: 1, controller: 'cpu', parentDir } } as unknown as OsCapabilities;
  assert.equal(removeStaleGroups(caps), 2);
  assert.equal(existsSync(join(parentDir, `servelab-${deadPid}-1`)), false);
  assert.equal(existsSync(join(parentDir, `servelab-${process.pid}-1`)), true);
  assert.equal(existsSync(join(parentDir, 'system.slice')), true);
});
