/** Section 14: how to reproduce the study and how to reload its data in Python or TypeScript. */
import type { Block, Section } from '../document.js';
import { codeSpan } from '../inline.js';
import type { SectionContext } from './context.js';

export function reproduceSection(context: SectionContext): Section {
  const { reproduce } = context.input;
  const { trialsCsv, analysisJson, figuresJson } = context.exports;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Run these commands from a clone of servelab after ${codeSpan('npm install')}. Seed ${codeSpan(String(reproduce.seed))} fixes the sampled configurations, their order, the request schedules and the samples drawn from each dataset; timings will differ on another machine.`,
    },
    { kind: 'code', language: 'bash', runnable: false, source: reproduce.commands.join('\n') },
  ];
  if (reproduce.studyYaml) {
    blocks.push(
      { kind: 'paragraph', text: `The study file${reproduce.studyFile ? ` (${codeSpan(reproduce.studyFile)})` : ''}:` },
      { kind: 'code', language: 'yaml', runnable: false, source: reproduce.studyYaml.trimEnd() },
    );
  }
  blocks.push(
    { kind: 'heading', text: 'Reload the data' },
    {
      kind: 'paragraph',
      text:
        `The report was written with its data beside it: ${codeSpan(trialsCsv)} (one row per trial and repetition: ${codeSpan('trial')}, ` +
        `${codeSpan('repetition')}, ${codeSpan('state')}, ${codeSpan('valid')}, ${codeSpan('knob.*')}, ${codeSpan('ctx.*')} and ${codeSpan('metric.*')} columns, ` +
        `the format ${codeSpan('servelab analyze')} reads), ${codeSpan(analysisJson)} (the full analysis), ${codeSpan(figuresJson)} (every figure's ` +
        `Vega-Lite spec) and ${codeSpan(`${context.exports.figuresDirectory}/`)} (every figure as SVG and PNG, for papers and slides). ` +
        'The cells below load them; the Python cell uses pandas when it is installed and the standard library otherwise.',
    },
    { kind: 'code', language: 'python', runnable: true, source: pythonReload(trialsCsv, analysisJson) },
    {
      kind: 'paragraph',
      text: `The same in TypeScript. In this Python notebook the first cell saves the script and the second runs it with ${codeSpan('npx tsx')}; with a TypeScript kernel (e.g. tslab) run the code without its first line.`,
    },
    { kind: 'code', language: 'typescript', runnable: true, source: `%%writefile reload_report.ts\n${typescriptReload(trialsCsv, analysisJson)}` },
    { kind: 'code', language: 'python', runnable: true, source: '!npx --no-install tsx reload_report.ts' },
  );
  return { id: 'reproduce', title: 'How to reproduce', blocks };
}

function pythonReload(trialsCsv: string, analysisJson: string): string {
  return `import json

with open(${JSON.stringify(analysisJson)}) as f:
    analysis = json.load(f)
print(len(analysis["pareto"]), "Pareto fronts,", len(analysis["transfer"]), "transfer pairs,", len(analysis["findings"]), "findings")

try:
    import pandas as pd
    trials = pd.read_csv(${JSON.stringify(trialsCsv)})
    valid = trials[(trials["state"] == "completed") & (trials["valid"] == True)]
    print(valid.groupby(["ctx.model", "ctx.workload", "ctx.load"])["metric.p99_ms"].describe())
except ImportError:
    import csv
    with open(${JSON.stringify(trialsCsv)}) as f:
        trials = list(csv.DictReader(f))
    print(len(trials), "trial rows; columns:", ", ".join(trials[0].keys()) if trials else "none")`;
}

function typescriptReload(trialsCsv: string, analysisJson: string): string {
  return `import { readFileSync } from 'node:fs';

/** One CSV line into cells, honouring double-quoted cells. */
function cells(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((match) => match[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
}

const analysis = JSON.parse(readFileSync(${JSON.stringify(analysisJson)}, 'utf8'));
const [header = '', ...lines] = readFileSync(${JSON.stringify(trialsCsv)}, 'utf8').trim().split('\\n');
const columns = cells(header);
const p99 = columns.indexOf('metric.p99_ms');
const model = columns.indexOf('ctx.model');
const byModel = new Map<string, number[]>();
for (const line of lines) {
  const row = cells(line);
  const value = Number(row[p99]);
  if (row[p99] !== '' && Number.isFinite(value)) byModel.set(row[model]!, [...(byModel.get(row[model]!) ?? []), value]);
}
for (const [name, values] of byModel) {
  values.sort((a, b) => a - b);
  console.log(name, 'median p99 over trial rows:', values[Math.floor(values.length / 2)], 'ms');
}
console.log(analysis.findings.length, 'findings; first:', analysis.findings[0]?.text);`;
}
