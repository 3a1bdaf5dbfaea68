/**
 * A mixed run through any LoadDriver: the driver's own runMixed (one generator run, one start), or for drivers
 * without one (tests, other generators) the members' runs side by side, each with its member seed.
 */
import { combineMembers, memberSeed, type MixedLoadSummary } from '../load/mixed-load.js';
import type { LoadDriver, MixedRunRequest } from './load-driver.js';

export async function runMixedWith(driver: LoadDriver, request: MixedRunRequest): Promise<MixedLoadSummary> {
  if (driver.runMixed) return driver.runMixed(request);
  const { members, onStart, ...shared } = request;
  let announced = false;
  const startedOnce = onStart
    ? (): void => {
        if (announced) return;
        announced = true;
        onStart();
      }
    : undefined;
  const summaries = await Promise.all(
    members.map((member) => driver.run({ ...shared, ...member, seed: memberSeed(request.seed, member.model), ...(startedOnce ? { onStart: startedOnce } : {}) })),
  );
  return { members: summaries, combined: combineMembers(summaries) };
}
