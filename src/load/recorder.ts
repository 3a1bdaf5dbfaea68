/**
 * Everything a run measures, in a form that merges: HDR histograms, counters and per-window tallies. Fan-out
 * workers serialise their recorder and the parent merges them before summarising.
 */
import type { ServerTiming } from '../core/target.js';
import { createHistogram, decodeHistogram, encodeHistogram, recordMs, recordUs, type Histogram } from './histogram.js';
import { LatencyDecomposition } from './latency-decomposition.js';

export interface WindowTally {
  /**
   * Measured requests whose scheduled (closed loop: actual) send time fell in the window. Open loop: every
   * arrival of the schedule passes through recordSent or recordDropped with its scheduled time, so this is
   * the schedule's own count for the window.
   */
  offered: number;
  /** Measured requests that actually left within the window (open loop: the achieved arrivals). */
  sent: number;
  dropped: number;
  /** Successful completions within the window. */
  ok: number;
  errors: number;
  /** Latency (from the scheduled send) of the requests completed within the window. */
  readonly latency: Histogram;
}

export interface RecorderLayout {
  readonly measureStartMs: number;
  readonly endMs: number;
  readonly windowMs: number;
}

export class LoadRecorder {
  /** Completion − scheduled send: what a user waiting on the schedule sees (coordinated-omission safe). */
  readonly latency = createHistogram();
  /** Completion − actual send: the uncorrected service time. */
  readonly service = createHistogram();
  /** Actual − scheduled send: how late the generator was. */
  readonly lag = createHistogram();
  readonly serverQueueUs = createHistogram();
  readonly serverComputeUs = createHistogram();
  /** Each timed success's latency split into send lag, transport, queueing, compute and serialization. */
  decomposition = new LatencyDecomposition();
  serverBatchSizeTotal = 0;
  serverTimedResponses = 0;
  serverCacheHits = 0;
  /** Measured requests actually sent (not dropped). */
  sent = 0;
  ok = 0;
  /** Successful completions inside [measureStart, end): the throughput numerator. */
  okInWindow = 0;
  dropped = 0;
  timeouts = 0;
  warmupSent = 0;
  readonly errorsByKind: Record<string, number> = {};
  /** The first message of each error kind, so a summary can say what went wrong and not only how often. */
  readonly errorExamples: Record<string, string> = {};
  readonly windows: WindowTally[];

  constructor(readonly layout: RecorderLayout) {
    const count = Math.max(1, Math.ceil((layout.endMs - layout.measureStartMs) / layout.windowMs));
    this.windows = Array.from({ length: count }, () => ({ offered: 0, sent: 0, dropped: 0, ok: 0, errors: 0, latency: createHistogram() }));
  }

  isMeasured(timeMs: number): boolean {
    return timeMs >= this.layout.measureStartMs && timeMs < this.layout.endMs;
  }

  /** The window holding a time; times past the end (drain) count in the last window. */
  windowAt(timeMs: number): WindowTally {
    const index = Math.floor((timeMs - this.layout.measureStartMs) / this.layout.windowMs);
    return this.windows[Math.min(this.windows.length - 1, Math.max(0, index))]!;
  }

  /** A measured request left; closed-loop sends have no schedule to lag behind. */
  recordSent(scheduledMs: number, sentMs: number, hasSchedule = true): void {
    this.sent++;
    this.windowAt(scheduledMs).offered++;
    // A send that left after the end was not achieved within the run; it lands in no window.
    if (this.isMeasured(sentMs)) this.windowAt(sentMs).sent++;
    if (hasSchedule) recordMs(this.lag, sentMs - scheduledMs);
  }

  recordDropped(scheduledMs: number): void {
    this.dropped++;
    const window = this.windowAt(scheduledMs);
    window.offered++;
    window.dropped++;
  }

  recordSuccess(scheduledMs: number, sentMs: number, doneMs: number, timing: ServerTiming | undefined): void {
    this.ok++;
    recordMs(this.latency, doneMs - scheduledMs);
    recordMs(this.service, doneMs - sentMs);
    if (this.isMeasured(doneMs)) this.okInWindow++;
    const window = this.windowAt(doneMs);
    window.ok++;
    recordMs(window.latency, doneMs - scheduledMs);
    if (timing) {
      this.serverTimedResponses++;
      recordUs(this.serverQueueUs, timing.queueUs);
      recordUs(this.serverComputeUs, timing.computeUs);
      this.decomposition.record(scheduledMs, sentMs, doneMs, timing);
      this.serverBatchSizeTotal += timing.batchSize;
      if (timing.cacheHit) this.serverCacheHits++;
    }
  }

  recordError(kind: string, doneMs: number, message?: string): void {
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
    if (message !== undefined && this.errorExamples[kind] === undefined) this.errorExamples[kind] = message;
    if (kind === 'timeout') this.timeouts++;
    this.windowAt(doneMs).errors++;
  }

  get errors(): number {
    return Object.values(this.errorsByKind).reduce((total, count) => total + count, 0);
  }

  merge(other: LoadRecorder): void {
    this.latency.add(other.latency);
    this.service.add(other.service);
    this.lag.add(other.lag);
    this.serverQueueUs.add(other.serverQueueUs);
    this.serverComputeUs.add(other.serverComputeUs);
    this.decomposition.merge(other.decomposition);
    this.serverBatchSizeTotal += other.serverBatchSizeTotal;
    this.serverTimedResponses += other.serverTimedResponses;
    this.serverCacheHits += other.serverCacheHits;
    this.sent += other.sent;
    this.ok += other.ok;
    this.okInWindow += other.okInWindow;
    this.dropped += other.dropped;
    this.timeouts += other.timeouts;
    this.warmupSent += other.warmupSent;
    for (const [kind, count] of Object.entries(other.errorsByKind)) this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + count;
    for (const [kind, message] of Object.entries(other.errorExamples)) this.errorExamples[kind] ??= message;
    other.windows.forEach((window, index) => {
      const mine = this.windows[index];
      if (!mine) return;
      mine.offered += window.offered;
      mine.sent += window.sent;
      mine.dropped += window.dropped;
      mine.ok += window.ok;
      mine.errors += window.errors;
      mine.latency.add(window.latency);
    });
  }

  toJSON(): SerializedRecorder {
    return {
      layout: this.layout,
      histograms: {
        latency: encodeHistogram(this.latency),
        service: encodeHistogram(this.service),
        lag: encodeHistogram(this.lag),
        serverQueueUs: encodeHistogram(this.serverQueueUs),
        serverComputeUs: encodeHistogram(this.serverComputeUs),
      },
      decomposition: this.decomposition.toJSON(),
      counters: {
        serverBatchSizeTotal: this.serverBatchSizeTotal,
        serverTimedResponses: this.serverTimedResponses,
        serverCacheHits: this.serverCacheHits,
        sent: this.sent,
        ok: this.ok,
        okInWindow: this.okInWindow,
        dropped: this.dropped,
        timeouts: this.timeouts,
        warmupSent: this.warmupSent,
      },
      errorsByKind: { ...this.errorsByKind },
      errorExamples: { ...this.errorExamples },
      windows: this.windows.map(({ latency, ...counts }) => ({ ...counts, latency: encodeHistogram(latency) })),
    };
  }

  static fromJSON(data: SerializedRecorder): LoadRecorder {
    const recorder = new LoadRecorder(data.layout);
    recorder.latency.add(decodeHistogram(data.histograms.latency));
    recorder.service.add(decodeHistogram(data.histograms.service));
    recorder.lag.add(decodeHistogram(data.histograms.lag));
    recorder.serverQueueUs.add(decodeHistogram(data.histograms.serverQueueUs));
    recorder.serverComputeUs.add(decodeHistogram(data.histograms.serverComputeUs));
    recorder.decomposition = LatencyDecomposition.fromJSON(data.decomposition);
    Object.assign(recorder, data.counters);
    Object.assign(recorder.errorsByKind, data.errorsByKind);
    Object.assign(recorder.errorExamples, data.errorExamples ?? {});
    data.windows.forEach((window, index) => {
      const mine = recorder.windows[index];
      if (!mine) return;
      mine.offered = window.offered;
      mine.sent = window.sent ?? 0;
      mine.dropped = window.dropped;
      mine.ok = window.ok;
      mine.errors = window.errors;
      mine.latency.add(decodeHistogram(window.latency));
    });
    return recorder;
  }
}

export interface SerializedRecorder {
  readonly layout: RecorderLayout;
  readonly histograms: Record<'latency' | 'service' | 'lag' | 'serverQueueUs' | 'serverComputeUs', string>;
  /** LatencyDecomposition's values, base64 (absent from recorders serialised before it existed). */
  readonly decomposition?: string;
  readonly counters: Record<
    'serverBatchSizeTotal' | 'serverTimedResponses' | 'serverCacheHits' | 'sent' | 'ok' | 'okInWindow' | 'dropped' | 'timeouts' | 'warmupSent',
    number
  >;
  readonly errorsByKind: Record<string, number>;
  readonly errorExamples?: Record<string, string>;
  readonly windows: readonly { offered: number; sent?: number; dropped: number; ok: number; errors: number; latency: string }[];
}
