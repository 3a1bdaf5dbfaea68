/**
 * The energy of a server shared by co-served models, attributed to each model by its share of the server's
 * compute time. An attribution, not a measurement: the total is what the meter read; the parts divide it by a
 * rule (stored with the parts), and they always sum to the total.
 */

/** What each model is charged by: the server's own per-model compute counter, else the compute time its responses report, else its completed requests. */
export const ATTRIBUTION_BASES = ['server-compute-seconds', 'response-compute-time', 'completed-requests'] as const;
export type AttributionBasis = (typeof ATTRIBUTION_BASES)[number];

export interface MemberUse {
  readonly model: string;
  /** Server compute seconds spent on the model over the run, from the server's counters; absent when unknown. */
  readonly serverComputeSeconds?: number;
  /** Compute seconds its responses report (per batch, divided among the batch's requests); absent when unknown. */
  readonly responseComputeSeconds?: number;
  readonly completed: number;
}

export interface EnergyPart {
  readonly model: string;
  readonly share: number;
  readonly energyJ: number;
}

export interface EnergyAttribution {
  /** Always 'attributed': the parts come from a rule, only the total was metered. */
  readonly label: 'attributed';
  readonly basis: AttributionBasis;
  readonly totalEnergyJ: number;
  readonly parts: readonly EnergyPart[];
}

export function attributeEnergy(totalEnergyJ: number, members: readonly MemberUse[]): EnergyAttribution {
  const basis = basisFor(members);
  const weights = members.map((member) => weightOf(member, basis));
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const shares = weightSum > 0 ? weights.map((weight) => weight / weightSum) : members.map(() => 1 / Math.max(1, members.length));
  const parts = members.map((member, index) => ({ model: member.model, share: shares[index]!, energyJ: totalEnergyJ * shares[index]! }));
  // The last part takes what rounding left, so the parts sum to the metered total.
  if (parts.length > 0) {
    const others = parts.slice(0, -1).reduce((sum, part) => sum + part.energyJ, 0);
    const last = parts[parts.length - 1]!;
    parts[parts.length - 1] = { ...last, energyJ: totalEnergyJ - others };
  }
  return { label: 'attributed', basis, totalEnergyJ, parts };
}

function basisFor(members: readonly MemberUse[]): AttributionBasis {
  if (members.every((member) => member.serverComputeSeconds !== undefined) && members.some((member) => member.serverComputeSeconds! > 0)) return 'server-compute-seconds';
  if (members.every((member) => member.responseComputeSeconds !== undefined) && members.some((member) => member.responseComputeSeconds! > 0)) return 'response-compute-time';
  return 'completed-requests';
}

function weightOf(member: MemberUse, basis: AttributionBasis): number {
  const weight = basis === 'server-compute-seconds' ? member.serverComputeSeconds : basis === 'response-compute-time' ? member.responseComputeSeconds : member.completed;
  return Math.max(0, weight ?? 0);
}

const COMPUTE_SUM = /^servelab_compute_seconds_sum\{(.*)\}$/;

/** Per-model compute seconds from the change of the server's Prometheus counters over a run (servelab's server labels them by model). */
export function serverComputeSecondsByModel(serverDelta: Readonly<Record<string, number>> | undefined): Map<string, number> {
  const byModel = new Map<string, number>();
  if (!serverDelta) return byModel;
  for (const [series, value] of Object.entries(serverDelta)) {
    const labels = COMPUTE_SUM.exec(series)?.[1];
    const model = labels === undefined ? undefined : /(?:^|,)model="((?:[^"\\]|\\.)*)"/.exec(labels)?.[1];
    if (model !== undefined) byModel.set(model, (byModel.get(model) ?? 0) + value);
  }
  return byModel;
}
