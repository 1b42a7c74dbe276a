// Runs the TextMate grammar tests (test/grammar/*.env, vscode-tmgrammar-test scope assertions)
// against syntaxes/dotenv.tmLanguage.json. Counts assertion lines; the last line printed is
// "N passed, N failed". Exit code 1 when anything failed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createRegistry } = require('vscode-tmgrammar-test/dist/common/index.js');
const { parseGrammarTestCase, runGrammarTestCase } = require('vscode-tmgrammar-test/dist/unit/index.js');

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'test', 'grammar');
const grammar = join(root, 'syntaxes', 'dotenv.tmLanguage.json');
let passed = 0;
let failed = 0;
try {
  const registry = createRegistry([{ scopeName: 'source.dotenv', path: grammar }]);
  const files = readdirSync(dir).filter((f) => f.endsWith('.env')).sort();
  for (const name of files) {
    const text = readFileSync(join(dir, name), 'utf8');
    let testCase;
    try {
      testCase = parseGrammarTestCase(text);
    } catch (e) {
      console.log(`✗ ${name}: cannot parse the test case (${e instanceof Error ? e.message : e})`);
      failed++;
      continue;
    }
    const failures = await runGrammarTestCase(registry, testCase);
    const badLines = new Set(failures.map((f) => f.line));
    const total = testCase.assertions.length;
    passed += total - badLines.size;
    failed += badLines.size;
    console.log(`${badLines.size === 0 ? '✓' : '✗'} ${name}: ${total - badLines.size}/${total} assertion lines`);
    for (const f of failures) {
      const src = testCase.source[f.srcLine] ?? '';
      console.log(`    line ${f.line + 1}, source "${src.slice(f.start, f.end)}" [${f.start}-${f.end}]`);
      if (f.missing.length) console.log(`      missing: ${f.missing.join(' ')}`);
      if (f.unexpected.length) console.log(`      unexpected: ${f.unexpected.join(' ')}`);
      console.log(`      actual: ${f.actual.join(' ')}`);
    }
  }
} catch (e) {
  console.log(`grammar tests could not run: ${e instanceof Error ? e.message : e}`);
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
