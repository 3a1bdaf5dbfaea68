/**
 * Groups left behind by a runner that was killed (kill -9 skips its clean-up): named servelab-<pid>-<n>,
 * removed when that pid no longer runs. A group can only be removed once empty, so live ones are safe.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OsCapabilities } from './detect.js';

const GROUP_NAME = /^servelab-(\d+)-\d+$/;

export function removeStaleGroups(capabilities: OsCapabilities): number {
  let removed = 0;
  for (const location of [capabilities.cpu, capabilities.cpuset, capabilities.memory]) {
    if (!location) continue;
    let entries: string[];
    try {
      entries = readdirSync(location.parentDir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = GROUP_NAME.exec(entry);
      if (!match || existsSync(`/proc/${match[1]}`)) continue;
      try {
        rmdirSync(join(location.parentDir, entry));
        removed++;
      } catch {
        // still holds a process (an orphaned server): leave it
      }
    }
  }
  return removed;
}
