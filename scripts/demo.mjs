// The README's first command: runs the CLI on the demo workspace shipped in examples/.
// examples/ shows every rule firing (exit 1 is the expected result there); examples/clean shows none.
import { spawnSync } from 'node:child_process';

const cli = ['dist/cli.js', 'check'];
const say = (t) => process.stdout.write(`\n\x1b[1m${t}\x1b[0m\n`);

say('$ secret-hygiene check examples   # a workspace with every kind of problem');
const bad = spawnSync(process.execPath, [...cli, 'examples', '--format', 'text'], { stdio: 'inherit' });
say(`exit code ${bad.status} (1 = errors found, as expected here)`);

say('$ secret-hygiene check examples/clean   # the same app done right');
const clean = spawnSync(process.execPath, [...cli, 'examples/clean'], { stdio: 'inherit' });
say(`exit code ${clean.status} (0 = clean)`);

say('$ secret-hygiene check examples --format sarif --output secret-hygiene.sarif   # for code scanning');
const sarif = spawnSync(process.execPath, [...cli, 'examples', '--format', 'sarif', '--output', 'secret-hygiene.sarif'], { stdio: 'inherit' });
say(`wrote secret-hygiene.sarif (exit code ${sarif.status})`);

process.exit(bad.status === 1 && clean.status === 0 ? 0 : 1);
