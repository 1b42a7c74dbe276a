// Runs the compiled mocha tests of one folder and prints "N passed, N failed" last.
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const grep = process.env.MOCHA_GREP;
const files = [];
if (statSync(dir).isDirectory()) (function walk(d) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
})(dir);
const mocha = new Mocha({ reporter: 'spec', timeout: 30000, grep });
if (statSync(dir).isFile()) files.splice(0, files.length, dir);
for (const f of files) mocha.addFile(f);
const runner = mocha.run(() => {
  const { passes, failures } = runner.stats;
  console.log(`${passes} passed, ${failures} failed`);
  process.exitCode = failures === 0 ? 0 : 1;
});
