// The raw baseline: read every file of the list and split it into lines, nothing else. This is the
// floor for any tool that has to look at every line of these files in Node.
//   node bench/lib/raw-read.mjs <root> <file-list>
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const [root, list] = process.argv.slice(2);
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
let lines = 0;
let bytes = 0;
for (const rel of files) {
  const buf = readFileSync(path.join(root, rel));
  bytes += buf.length;
  lines += buf.toString('utf8').split(/\r?\n/).length;
}
// A figure, so the work cannot be optimised away; stdout is discarded by the runner.
process.stdout.write(`${files.length} files ${lines} lines ${bytes} bytes\n`);
