/** Debian's python3-nbformat and jupyter-nbconvert, when installed; tests skip with the reason otherwise. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export function nbformatMissingReason(): string | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} is not installed (apt-get install python3-nbformat)`;
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import nbformat'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'python3-nbformat is not installed (apt-get install python3-nbformat)';
}

export function nbconvertMissingReason(): string | undefined {
  return existsSync('/usr/bin/jupyter-nbconvert') ? undefined : 'jupyter-nbconvert is not installed (apt-get install jupyter-nbconvert)';
}

/** Validates a notebook against the nbformat JSON schema; returns the validator's output. */
export function validateNotebook(path: string): { ok: boolean; output: string } {
  const script = [
    'import sys, nbformat',
    'nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)',
    'nbformat.validate(nb)',
    'print(f"valid nbformat {nb.nbformat}.{nb.nbformat_minor} with {len(nb.cells)} cells")',
  ].join('\n');
  const result = spawnSync(SYSTEM_PYTHON, ['-c', script, path], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}
