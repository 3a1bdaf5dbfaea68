/**
 * The study's trials as the page's table, kept up to date incrementally: each refresh reads the trials'
 * stamps (state, attempt, times), fetches the light rows of those that changed, recomputes the confidence
 * intervals of the groups they belong to, and yields only the rows whose content changed (the delta the
 * page applies), each with its JSON, so the HTTP thread keeps the whole table without serialising it.
 */
import { summarizeConfigurations } from '../store/configuration-summary.js';
import { analysisRow, dashboardRow, groupKey, withSummary } from './dashboard-rows.js';
import { stampKey } from './reader-queries.js';
import type { StoreReader } from './store-reader.js';
import type { DashboardRow, TrialsDelta } from './types.js';

/** A delta, the changed rows' JSON in the same order, and the plan order when trials were added or removed. */
export interface TableUpdate {
  readonly delta: TrialsDelta;
  readonly changedJson: readonly string[];
  readonly order?: readonly string[];
}

interface Entry {
  stamp: string;
  row: DashboardRow;
  json: string;
}

export class LiveTable {
  readonly #entries = new Map<string, Entry>();
  /** Trial ids by group (configuration and context), so a change touches only its group. */
  readonly #groups = new Map<string, Set<string>>();
  /** Trial ids in the store's plan order. */
  #order: string[] = [];
  #version = 0;

  get version(): number {
    return this.#version;
  }

  rows(): DashboardRow[] {
    return this.#order.map((id) => this.#entries.get(id)!.row);
  }

  /** `{"version":N,"rows":[...]}` for a page that loads the whole table. */
  fullJson(): string {
    return `{"version":${this.#version},"rows":[${this.#order.map((id) => this.#entries.get(id)!.json).join(',')}]}`;
  }

  /** Reads what changed in the store; returns the update, or undefined when nothing the page shows changed. */
  async refresh(reader: StoreReader, studyId: string): Promise<TableUpdate | undefined> {
    const stamps = await reader.stamps(studyId);
    const changedIds = stamps.filter((stamp) => this.#entries.get(stamp.trial_id)?.stamp !== stampKey(stamp)).map((stamp) => stamp.trial_id);
    const present = new Set(stamps.map((stamp) => stamp.trial_id));
    const removed = this.#order.filter((id) => !present.has(id));
    if (changedIds.length === 0 && removed.length === 0) return undefined;
    // A first read takes every row in one query rather than thousands of id lists.
    const lights = await reader.lightTrials(studyId, changedIds.length === stamps.length ? undefined : changedIds);
    const groups = new Set<string>();
    for (const id of removed) {
      const entry = this.#entries.get(id);
      if (entry) {
        groups.add(groupKey(entry.row));
        this.#groups.get(groupKey(entry.row))?.delete(id);
      }
      this.#entries.delete(id);
    }
    const fresh = new Map<string, DashboardRow>();
    let added = false;
    for (const light of lights) {
      const row = dashboardRow(light);
      fresh.set(row.id, row);
      groups.add(groupKey(row));
      const previous = this.#entries.get(row.id);
      if (previous) {
        groups.add(groupKey(previous.row));
        this.#groups.get(groupKey(previous.row))?.delete(row.id);
      } else {
        added = true;
      }
      this.#entries.set(row.id, { stamp: stampKey(light), row, json: previous?.json ?? '' });
      const members = this.#groups.get(groupKey(row));
      if (members) members.add(row.id);
      else this.#groups.set(groupKey(row), new Set([row.id]));
    }
    this.#order = stamps.map((stamp) => stamp.trial_id).filter((id) => this.#entries.has(id));
    const changed = this.#resummarize(groups, fresh);
    if (changed.length === 0 && removed.length === 0) return undefined;
    const from = this.#version;
    this.#version += 1;
    return {
      delta: { from, to: this.#version, changed, removed },
      changedJson: changed.map((row) => this.#entries.get(row.id)!.json),
      ...(added || removed.length > 0 ? { order: [...this.#order] } : {}),
    };
  }

  /** Recomputes the intervals of the touched groups; returns the rows whose serialised form changed. */
  #resummarize(groups: ReadonlySet<string>, fresh: ReadonlyMap<string, DashboardRow>): DashboardRow[] {
    const changed: DashboardRow[] = [];
    for (const key of groups) {
      const entries = [...(this.#groups.get(key) ?? [])].map((id) => this.#entries.get(id)!);
      if (entries.length === 0) continue;
      const [summary] = summarizeConfigurations(entries.map((entry) => analysisRow(entry.row)));
      for (const entry of entries) {
        const row = withSummary(fresh.get(entry.row.id) ?? entry.row, summary);
        const json = JSON.stringify(row);
        if (json === entry.json) continue;
        entry.row = row;
        entry.json = json;
        changed.push(row);
      }
    }
    return changed;
  }
}
