/** Child process of bench/load-peers.ts: one servelab load run (options as JSON in argv[2]); prints the summary as JSON. */
import { runLoad, type RunLoadOptions } from '../src/load/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as RunLoadOptions;
const summary = await runLoad(options);
process.stdout.write(`${JSON.stringify(summary)}\n`);
