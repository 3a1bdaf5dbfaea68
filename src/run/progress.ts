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
      format: 'trials {bar} {value}/{total} | ETA {etaText} | {current}',
      etaBuffer: 20,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  // Our own ETA from trials finished in this run (the bar's own is undefined until the first one).
  const eta = etaEstimator();
  return {
    start: (total, done) => {
      eta.start(Math.max(total, done), done);
      bar.start(Math.max(total, done), done, { current: '', etaText: '?' });
    },
    trialStarted: (done, label) => bar.update(done, { current: label.slice(0, 100), etaText: eta.text(done) }),
    trialEnded: (done) => bar.update(done, { etaText: eta.text(done) }),
    note: (line) => {
      // Print above the bar without breaking it.
      stream.write(`\r\x1b[K${line}\n`);
      bar.render();
    },
    stop: () => bar.stop(),
  };
}

function etaEstimator(): { start(total: number, done: number): void; text(done: number): string; readonly total: number } {
  let total = 0;
  let startedMs = 0;
  let firstDone = 0;
  return {
    start: (all, done) => {
      total = all;
      firstDone = done;
      startedMs = performance.now();
    },
    text: (done) => {
      const finished = done - firstDone;
      if (finished <= 0) return '?';
      const perTrialMs = (performance.now() - startedMs) / finished;
      return `${Math.round((perTrialMs * (total - done)) / 1000)}s`;
    },
    get total() {
      return total;
    },
  };
}

function lineProgress(stream: NodeJS.WritableStream): ProgressReporter {
  const eta = etaEstimator();
  return {
    start: (all, done) => {
      eta.start(all, done);
      stream.write(`servelab: ${done}/${all} trials already done\n`);
    },
    trialStarted: () => undefined,
    trialEnded: (done, line) => stream.write(`[${done}/${eta.total}, ETA ${eta.text(done)}] ${line}\n`),
    note: (line) => stream.write(`${line}\n`),
    stop: () => undefined,
  };
}
