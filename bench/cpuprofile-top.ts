/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time by area (node:http, net and streams, HTTP/2 and
 * gRPC, protobuf, servelab's own code, GC, idle…) and the top functions, as markdown.
 * Usage: npx tsx bench/cpuprofile-top.ts FILE.cpuprofile [...] [--top 15]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

const AREAS: readonly [string, RegExp][] = [
  ['idle', /^\(idle\)$/],
  ['GC', /^\(garbage collector\)$/],
  ['program (native, outside JS)', /^\(program\)$/],
  ['gRPC (grpc-js)', /@grpc\/grpc-js/],
  ['protobuf', /protobufjs|@protobufjs/],
  ['HTTP/2 (node:http2)', /node:internal\/http2/],
  ['node:http', /node:_http|node:http/],
  ['net, streams, buffers', /node:net|node:internal\/streams|node:stream|node:buffer|node:internal\/buffer|node:internal\/stream_base/],
  ['worker messaging', /node:internal\/worker|node:internal\/per_context\/messageport|MessagePort/],
  ['onnxruntime binding', /onnxruntime/],
  ['servelab', /\/src\//],
  ['tsx loader', /tsx\/dist/],
];

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  for (const [area, pattern] of AREAS) if (pattern.test(functionName) || pattern.test(url)) return area;
  return url === '' ? `native: ${functionName || '(anonymous)'}` : 'other JS';
}

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 15;
const files = args.filter((arg, index) => !arg.startsWith('--') && (topIndex < 0 || index !== topIndex + 1));

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    areas.set(areaOf(node), (areas.get(areaOf(node)) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/')}:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busyUs = totalUs - (areas.get('idle') ?? 0);
  console.log(`### ${basename(file)}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${((busyUs / totalUs) * 100).toFixed(1)}% busy\n`);
  console.log('| area | self ms | % of busy |');
  console.log('|---|---|---|');
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) {
    if (area === 'idle') continue;
    console.log(`| ${area} | ${(us / 1000).toFixed(0)} | ${((us / busyUs) * 100).toFixed(1)}% |`);
  }
  console.log(`\n| top functions (self) | ms | % of busy |\n|---|---|---|`);
  for (const [name, us] of [...functions].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`| \`${name.trim()}\` | ${(us / 1000).toFixed(0)} | ${((us / busyUs) * 100).toFixed(1)}% |`);
  }
  console.log('');
}
