/**
 * Runs a batch and, when the run itself fails, bisects it: each half runs on its own, down to single
 * requests, so one bad request fails alone and the requests batched with it are still answered. With one
 * bad request among n this costs about 1 + 2·log2(n) runs instead of the n of rerunning each alone.
 * Halves run one after the other: the split reuses the batch's instance slot and never exceeds it.
 */
export interface SplitRunHandlers<M> {
  /** Runs a group and answers its members; throws (answering none) when the group fails. */
  run(members: readonly M[]): Promise<void>;
  /** Whether a failed group may be split (a failure of the run, not of the instance or the server). */
  splittable(error: unknown): boolean;
  /** Answers a member that cannot succeed: it failed alone, or its group's failure is not splittable. */
  fail(member: M, error: unknown): void;
  /** Called once for every failed group that is split, with its size. */
  onSplit?(members: readonly M[]): void;
}

export async function runSplittingOnFailure<M>(members: readonly M[], handlers: SplitRunHandlers<M>): Promise<void> {
  try {
    await handlers.run(members);
  } catch (error) {
    if (members.length < 2 || !handlers.splittable(error)) {
      for (const member of members) handlers.fail(member, error);
      return;
    }
    handlers.onSplit?.(members);
    const middle = Math.ceil(members.length / 2);
    await runSplittingOnFailure(members.slice(0, middle), handlers);
    await runSplittingOnFailure(members.slice(middle), handlers);
  }
}
