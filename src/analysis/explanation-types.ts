/** What an explanation of a finding is made of (explanations.ts builds them; findings carry them). */

/** What the analysis knows of a model beyond its measurements (from its model card). */
export interface ModelProperties {
  readonly gflopsPerSample?: number;
  readonly parameters?: number;
  /** Input values per sample (elements of all inputs). */
  readonly inputValues?: number;
}

/** What a finding is about, in terms an explanation can measure. */
export type FindingSubject =
  | { readonly kind: 'knob-change'; readonly metric: string; readonly knob: string; readonly from: string; readonly to: string; readonly environments?: readonly string[] }
  | { readonly kind: 'knob-change-across'; readonly metric: string; readonly knob: string; readonly from: string; readonly to: string; readonly environments: readonly [string, string] }
  | { readonly kind: 'interaction'; readonly metric: string; readonly knob: string; readonly by: string }
  | { readonly kind: 'configurations'; readonly metric: string; readonly environment: string; readonly from: string; readonly to: string };

export interface Change {
  readonly metric: string;
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly difference: number;
  /** 95% interval of the difference; absent with a single pair or a single value a side. */
  readonly ci?: readonly [number, number];
}

export interface ExplanationComparison {
  /** Where the comparison was made: an environment key, several, or a knob level. */
  readonly where: string;
  /** What changes, e.g. "batching.enabled false → true". */
  readonly change: string;
  /** Paired configurations, two independent sets of configurations, or the repetitions of two configurations. */
  readonly method: 'paired' | 'independent' | 'repetitions';
  /** Pairs, or the smaller side's configurations or repetitions. */
  readonly samples: number;
  readonly objective: Change;
  /** The latency decomposition's parts for the objective's band; empty for metrics that are not latencies. */
  readonly components: readonly Change[];
  /** Measured load: CPU use, batch sizes reached, cache hits, throughput. */
  readonly load: readonly Change[];
  /** Labels of the parts that account for the change. */
  readonly accountedBy: readonly string[];
  /** Labels of the parts that moved against it beyond noise. */
  readonly offsetBy: readonly string[];
}

export interface PropertyComparison {
  readonly name: string;
  readonly values: Readonly<Record<string, number>>;
  /** Larger over smaller value. */
  readonly ratio: number;
}

export interface Explanation {
  readonly text: string;
  readonly comparisons: readonly ExplanationComparison[];
  /** Across two comparisons: how much more each part changed in the second than in the first. */
  readonly differences?: readonly Change[];
  /** Parts whose change differs between the comparisons beyond noise, largest first. */
  readonly differencesAccountedBy?: readonly string[];
  readonly properties?: readonly PropertyComparison[];
  /** Whether the latency decomposition was compared: false for metrics that are not latencies and for studies that did not record it. */
  readonly decomposed: boolean;
}
