// UI tests: headless Chromium (Debian's) driven by playwright-core against code-server started
// WITHOUT the smoke-test driver, with the .vsix installed the way a user installs it. Every wait
// is for a DOM element or state with a timeout; screenshots go to <tmp>/ui/screenshots and, with
// SECRET_HYGIENE_E2E_UPDATE_IMAGES=1, into docs/images/.
import { appendFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { isolatedEnv, startCodeServer, writeUserSettings } from './lib/code-server.mjs';
import { log } from './provision.mjs';

const TEST_TIMEOUT = 90_000;

/** Values of the fixture's secrets: no aria-label, row or hover may contain one. */
function fixtureValues(ws) {
  const out = [];
  for (const f of ['.env', '.env.production', 'rotation/.env']) {
    let text = '';
    try {
      text = readFileSync(join(ws, f), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const m = /^\s*#?\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*)$/.exec(line);
      if (!m) continue;
      for (const v of m[1].split(',')) if (v.trim().length >= 8) out.push(v.trim());
    }
  }
  return out;
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function assertNoValue(text, values, where) {
  const i = values.findIndex((v) => text.includes(v));
  assert(i === -1, `${where} shows a secret value (fixture value #${i + 1})`);
}

/** The workbench page helpers. */
class Workbench {
  constructor(page, screenshots) {
    this.page = page;
    this.screenshots = screenshots;
  }

  async open(url) {
    await this.page.goto(url);
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Opens a file by its Explorer row (top-level files only) and waits for its tab to be active. */
  async openFile(name) {
    const row = this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).first().waitFor({ timeout: 20_000 });
    await this.page.locator('.editor-instance .view-lines').first().waitFor({ timeout: 20_000 });
  }

  /** Opens a file through Quick Open (Ctrl+P), for nested paths. */
  async quickOpen(relPath) {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(relPath);
    await this.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Rows of the Problems panel, as aria-labels. */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ timeout: 10_000 });
    }
    return panel.locator('.monaco-list-row');
  }

  /** Runs a command from the palette by its title. */
  async runCommand(title) {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
  }

  async shot(name, locator) {
    const file = join(this.screenshots, name);
    if (locator) await locator.screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    return file;
  }
}

/** Waits until `fn()` returns a truthy value, re-reading the DOM on each animation frame of Playwright's polling. */
async function until(page, what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    // Yield to the page until its DOM changes (or 1 s passes), instead of sleeping a fixed time.
    await page
      .evaluate(
        () =>
          new Promise((resolve) => {
            const obs = new MutationObserver(() => {
              obs.disconnect();
              resolve(true);
            });
            obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            setTimeout(() => {
              obs.disconnect();
              resolve(false);
            }, 1_000);
          }),
      )
      .catch(() => {});
  }
}

export async function runUiTests({ tools, tmp, extensionsDir, prepareWorkspace, record, repo }) {
  const root = join(tmp, 'ui');
  const screenshots = join(root, 'screenshots');
  mkdirSync(screenshots, { recursive: true });
  let passed = 0;
  let failed = 0;
  const count = (title, ok, detail) => {
    record(`ui: ${title}`, ok, detail);
    if (ok) passed++;
    else failed++;
  };
  if (!extensionsDir) {
    count('the .vsix is installed for the UI tests', false, 'no .vsix was packaged; the UI tests need the installed extension');
    return { passed, failed };
  }
  const serverEnv = isolatedEnv(join(root, 'server-env'), tools.nodeBin);
  const ws = prepareWorkspace(join(root, 'workspace'), { env: serverEnv });
  const values = fixtureValues(ws);
  const userDataDir = join(root, 'user-data');
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false, 'editor.minimap.enabled': false });
  const server = await startCodeServer({
    codeServerBin: tools.codeServerBin,
    nodeBin: tools.nodeBin,
    env: serverEnv,
    userDataDir,
    extensionsDir,
    logFile: join(root, 'code-server.log'),
  });
  let browser;
  try {
    browser = await launchBrowser({ executablePath: tools.chromium, profileDir: join(root, 'chromium-profile'), env: isolatedEnv(join(root, 'browser-env')) });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const consoleLog = join(root, 'browser-console.log');
    page.on('console', (m) => appendFileSync(consoleLog, `${m.type()}: ${m.text()}\n`));
    page.setDefaultTimeout(20_000);
    const wb = new Workbench(page, screenshots);
    const shotsTaken = [];

    const test = async (title, fn) => {
      const t0 = Date.now();
      let timer;
      try {
        await Promise.race([
          fn(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`test timed out after ${TEST_TIMEOUT / 1000} s`)), TEST_TIMEOUT);
          }),
        ]);
        count(`${title} (${Date.now() - t0} ms)`, true);
      } catch (e) {
        const safe = title.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
        await page.screenshot({ path: join(root, `FAILED-${safe}.png`) }).catch(() => {});
        count(title, false, e?.message ?? String(e));
      } finally {
        clearTimeout(timer);
      }
    };

    await test('the workbench opens the fixture workspace', async () => {
      await wb.open(`${server.url}/?folder=${encodeURIComponent(ws)}`);
    });

    await test('opening .env shows it in an editor with the extension active', async () => {
      await wb.openFile('.env');
      const text = await page.locator('.editor-instance .view-lines').first().innerText();
      assert(text.includes('APP_NAME'), 'the editor does not show the .env file');
    });

    await test('the Problems panel lists the parse error with its rule id and line', async () => {
      const rows = await wb.problems();
      const label = await until(page, 'a parse-error row in the Problems panel', async () => {
        const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        return labels.find((l) => /LOG_LEVEL/.test(l) && /line 9\b/.test(l));
      });
      assert(/secret-hygiene/.test(label), 'the row does not name the secret-hygiene source');
      assertNoValue(label, values, 'the Problems row');
      shotsTaken.push(await wb.shot('problems-panel.png'));
    });

    if (process.env.SECRET_HYGIENE_E2E_UPDATE_IMAGES === '1') {
      const dest = join(repo, 'docs', 'images');
      mkdirSync(dest, { recursive: true });
      for (const f of shotsTaken) copyFileSync(f, join(dest, f.split('/').pop()));
      log(`screenshots copied into ${dest}`);
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
  return { passed, failed };
}
