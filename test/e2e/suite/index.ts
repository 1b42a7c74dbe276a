// Entry point of the in-host suite (`extensionTestsPath`): runs every *.test.js beside it with mocha
// inside the extension host. Works the same under code-server (test/e2e/launcher.mjs) and under a
// desktop VS Code started by @vscode/test-electron. When SECRET_HYGIENE_E2E_RESULTS names a file,
// the counts and each test's outcome are written there as JSON for test/e2e/run.mjs.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  ms?: number;
  error?: string;
}

export async function run(): Promise<void> {
  // mocha 12 is an ES module; import() works in the extension host's Node.
  const Mocha = (await import('mocha')).default;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.SECRET_HYGIENE_E2E_TEST_TIMEOUT_MS) || 60_000,
    grep: process.env.SECRET_HYGIENE_E2E_GREP || undefined,
  });
  for (const name of fs.readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(path.join(__dirname, name));
  }
  const outcomes: TestOutcome[] = [];
  const started = Date.now();
  const file = process.env.SECRET_HYGIENE_E2E_RESULTS;
  // Written after every test, so a run cut short by the launcher's timeout still tells how far it got.
  const write = (finished: boolean) => {
    if (!file) return;
    const passed = outcomes.filter((o) => o.state === 'passed').length;
    const failed = outcomes.filter((o) => o.state === 'failed').length;
    fs.writeFileSync(file, JSON.stringify({ finished, passed, failed, ms: Date.now() - started, tests: outcomes }, null, 2));
  };
  write(false);
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      write(true);
      const failed = outcomes.filter((o) => o.state === 'failed').length;
      console.log(`in-host: ${outcomes.length - failed} passed, ${failed} failed`);
      if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => {
      outcomes.push({ title: test.fullTitle(), state: 'passed', ms: test.duration });
      write(false);
    });
    // Hook failures count as failures too. Error messages are written by the tests and never
    // carry a secret value (see helpers.ts).
    runner.on('fail', (test, err: Error) => {
      outcomes.push({ title: test.fullTitle(), state: 'failed', error: String(err?.stack ?? err).split('\n').slice(0, 8).join('\n') });
      write(false);
    });
  });
}
