/** Stress levels as fractions of a target's measured saturation throughput (its capacity). */
import { ServelabError } from '../core/errors.js';
import { DEFAULT_STRESS_FRACTIONS, isStressLevel, MAX_STRESS_FRACTION, STRESS_LEVELS, type StressLevel } from '../core/load-vocabulary.js';

export { isStressLevel };

/** The rate (req/s) of a stress level: capacity × the level's fraction (defaults 25%, 60%, 90%, 120%). */
export function levelRate(level: StressLevel, capacityRps: number, fractions: Partial<Record<StressLevel, number>> = {}): number {
  if (!Number.isFinite(capacityRps) || capacityRps <= 0) throw new ServelabError(`capacity must be a positive rate in req/s, but got ${capacityRps}`);
  const fraction = fractions[level] ?? DEFAULT_STRESS_FRACTIONS[level];
  if (!Number.isFinite(fraction) || fraction <= 0) throw new ServelabError(`the fraction for level '${level}' must be positive, but got ${fraction}`);
  return capacityRps * fraction;
}

/** Parses 'light=0.2,medium=0.5' into fractions, naming every bad entry. */
export function parseLevelFractions(text: string): Partial<Record<StressLevel, number>> {
  const fractions: Partial<Record<StressLevel, number>> = {};
  const problems: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, value] = entry.split('=').map((part) => part.trim());
    const fraction = Number(value);
    if (!isStressLevel(name)) problems.push(`'${name}' is not a level (expected ${STRESS_LEVELS.join(', ')})`);
    else if (!(fraction > 0 && fraction <= MAX_STRESS_FRACTION)) problems.push(`${name}=${value ?? ''} needs a fraction in (0, ${MAX_STRESS_FRACTION}]`);
    else fractions[name] = fraction;
  }
  if (problems.length > 0) throw new ServelabError(`level fractions: ${problems.join('; ')}`);
  return fractions;
}
