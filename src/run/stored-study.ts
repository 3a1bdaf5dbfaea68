/**
 * A worker's study: read from the store, where the driver put it, and validated again from its source text
 * with the study schema (the stored definition is the schema's output, which the schema does not take back as
 * input). The result must hash to the stored definition: a worker whose servelab reads the file differently
 * (another version) must not measure under another definition.
 */
import { ServelabError } from '../core/errors.js';
import { parseStudy, type Study } from '../plan/study-schema.js';
import type { StudyRecord } from '../store/types.js';
import { definitionHash } from './trial-plan.js';

export function studyFromRecord(record: StudyRecord): Study {
  if (record.sourceText === undefined) {
    throw new ServelabError(`study '${record.studyId}': the store holds no source text for it; expected a study opened by 'servelab explore'`, 'invalid-input');
  }
  const study = parseStudy(record.sourceText, `'${record.studyId}' as stored`);
  if (study.name !== record.studyId) {
    throw new ServelabError(`study '${record.studyId}': its stored source text names the study '${study.name}'; expected the same name`, 'invalid-input');
  }
  if (definitionHash(study) !== record.definitionHash) {
    throw new ServelabError(
      `study '${record.studyId}': its stored source text reads as a different definition here than where the study was opened ` +
        `(hash ${definitionHash(study).slice(0, 12)}, stored ${record.definitionHash.slice(0, 12)}); run the same servelab version on every machine`,
      'invalid-input',
    );
  }
  return study;
}
