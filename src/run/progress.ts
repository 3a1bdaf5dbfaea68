/** Progress of a study: a cli-progress bar on a terminal, a line per trial otherwise, nothing with --quiet. */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  start(total: number, done: number): void;
  /** A trial begins: the configuration and context it measures. */
  trialStarted(done: number, label: string): void;
  /** A trial ended: one line (state, key metrics or the failure reason). */
  trialEnded(done: number, line: string): void;
  note(line: string): void;
  stop(): void;
}

export const silentProgress: ProgressReporter = {
  start: () => undefined,
  trialStarted: () => undefined,
  trialEnded: () => undefined,
  note: () => undefined,
  stop: () => undefined,
};

export function createProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): ProgressReporter {
  if (options.quiet) return silentProgress;
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return lineProgress(stream);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'trials {bar} {value}/{total} | ETA {eta_formatted} | {current}',
      etaBuffer: 20,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, done) => bar.start(Math.max(total, done), done, { current: '' }),
    trialStarted: (done, label) => bar.update(done, { current: label.slice(0, 100) }),
    trialEnded: (done) => bar.update(done),
    note: (line) => {
      // Print above the bar without breaking it.
      stream.write(`\r\x1b[K${line}\n`);
      bar.render();
    },
    stop: () => bar.stop(),
  };
}

function lineProgress(stream: NodeJS.WritableStream): ProgressReporter {
  let total = 0;
  let startedMs = 0;
  let firstDone = 0;
  const eta = (done: number): string => {
    const finished = done - firstDone;
    if (finished <= 0) return '?';
    const perTrialMs = (performance.now() - startedMs) / finished;
    return `${Math.round((perTrialMs * (total - done)) / 1000)}s`;
  };
  return {
    start: (all, done) => {
      total = all;
      firstDone = done;
      startedMs = performance.now();
      stream.write(`servelab: ${done}/${total} trials already done\n`);
    },
    trialStarted: () => undefined,
    trialEnded: (done, line) => stream.write(`[${done}/${total}, ETA ${eta(done)}] ${line}\n`),
    note: (line) => stream.write(`${line}\n`),
    stop: () => undefined,
  };
}
