/** Section 2: the machine, software versions, the energy meter and its power model, emulated knobs. */
import type { Block, Section } from '../document.js';
import { formatBytesMb } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import type { SectionContext } from './context.js';

export function environmentSection(context: SectionContext): Section {
  const { machine } = context.input;
  const meter = machine.energyMeter;
  const rows: string[][] = [
    ['CPU', escapeInline(machine.cpuModel)],
    ['cores (logical)', machine.cores > 0 ? String(machine.cores) : 'unknown'],
    ['memory', machine.memoryMb > 0 ? formatBytesMb(machine.memoryMb) : 'unknown'],
    ['operating system', escapeInline(machine.os)],
    ['virtual machine', machine.virtualized === undefined ? 'unknown' : machine.virtualized ? 'yes' : 'no'],
    ['Node.js', escapeInline(machine.nodeVersion)],
    ...(machine.onnxruntimeVersion ? [['ONNX Runtime', escapeInline(machine.onnxruntimeVersion)]] : []),
    ...(machine.servelabVersion ? [['servelab', escapeInline(machine.servelabVersion)]] : []),
    ['energy meter', `${codeSpan(meter.name)} (${meter.estimated ? '**estimated**' : 'measured'})`],
    ...Object.entries(machine.extra ?? {}).map(([key, value]) => [escapeInline(key), escapeInline(value)]),
  ];
  const workers = context.input.workers ?? [];
  const blocks: Block[] =
    workers.length === 0
      ? [
          { kind: 'paragraph', text: 'All trials ran on one machine; the load generator ran on the same machine as the server, over loopback.' },
          { kind: 'table', headers: ['property', 'value'], rows },
        ]
      : [
          {
            kind: 'paragraph',
            text:
              `This was a distributed study: ${workers.length} worker machines each ran one trial at a time, with the load generator on ` +
              'the same machine as the server, over loopback. The table below is the last machine description recorded; the next ' +
              'one says which machine ran what. Analyse with `--by-machine` when the machines differ.',
          },
          { kind: 'table', headers: ['property', 'value'], rows },
          {
            kind: 'table',
            headers: ['worker', 'CPU', 'cores', 'memory', 'trials completed', 'trials failed'],
            numericColumns: [2, 4, 5],
            rows: workers.map((worker) => [
              escapeInline(worker.name),
              escapeInline(worker.cpuModel ?? 'unknown'),
              worker.cores === undefined ? 'unknown' : String(worker.cores),
              worker.memoryMb === undefined ? 'unknown' : formatBytesMb(worker.memoryMb),
              String(worker.completed),
              String(worker.failed),
            ]),
          },
        ];
  const placements = context.input.threadPlacements ?? [];
  if (machine.cpuLayout || placements.length > 0) blocks.push({ kind: 'heading', text: 'CPU layout' });
  if (machine.cpuLayout) blocks.push({ kind: 'paragraph', text: escapeInline(`${machine.cpuLayout}.`) });
  if (placements.length > 0) {
    blocks.push(
      { kind: 'paragraph', text: "Inside the server, the I/O thread (protocol parsing, encoding, writes) and the instances' ONNX Runtime threads ran as follows:" },
      { kind: 'table', headers: ['server threads', 'trials'], numericColumns: [1], rows: placements.map((entry) => [escapeInline(entry.placement), String(entry.trials)]) },
    );
  }
  blocks.push({ kind: 'heading', text: 'Energy meter' }, { kind: 'paragraph', text: escapeInline(meter.description) });
  if (meter.estimated) {
    blocks.push({
      kind: 'callout',
      text:
        '**Energy in this report is estimated, not measured.** No hardware energy counter (RAPL, NVML) was available, so energy is ' +
        "computed from the server process's CPU time with the power model below. Energy figures compare configurations on this " +
        'machine under that model; they are not wall-socket joules and must not be compared with measured figures.',
    });
  }
  if (meter.powerModel && Object.keys(meter.powerModel).length > 0) {
    blocks.push({
      kind: 'table',
      headers: ['power-model parameter', 'value'],
      rows: Object.entries(meter.powerModel).map(([key, value]) => [codeSpan(key), escapeInline(String(value))]),
    });
  }
  if (meter.idlePowerW !== undefined) {
    blocks.push({ kind: 'paragraph', text: `Idle power of the power model: ${meter.idlePowerW} W. It is the idle share attributed to the server process, included in every energy figure and stated here on its own.` });
  }
  if (machine.knobNotes.length > 0) {
    blocks.push(
      { kind: 'heading', text: 'Knobs emulated or limited on this machine' },
      {
        kind: 'list',
        items: machine.knobNotes.map((note) => `${codeSpan(note.knob)}${note.emulated ? ' (**emulated**)' : ''}: ${escapeInline(note.note)}`),
      },
    );
  }
  return { id: 'environment', title: 'Environment', blocks };
}
