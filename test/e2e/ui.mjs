// UI tests: headless Chromium (Debian's) driven by playwright-core against code-server started
// WITHOUT the smoke-test driver, with the .vsix installed the way a user installs it. Every wait
// is for a DOM element or state with a timeout; screenshots go to <tmp>/ui/screenshots and, with
// SECRET_HYGIENE_E2E_UPDATE_IMAGES=1, into docs/images/.
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { isolatedEnv, startCodeServer, writeUserSettings } from './lib/code-server.mjs';
import { log } from './provision.mjs';

const TEST_TIMEOUT = 90_000;

/** Values of the fixture's secrets: no aria-label, row or hover may contain one. */
function fixtureValues(ws, { files = ['.env', '.env.development', '.env.production', '.env.example', 'legacy/.env', 'rotation/.env'], secretsOnly = false } = {}) {
  const out = [];
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(join(ws, f), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const m = /^\s*#?\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!m || (secretsOnly && !/SECRET|KEY/.test(m[1]))) continue;
      for (const v of m[2].split(',')) if (v.trim().length >= 8) out.push(v.trim());
    }
  }
  return out;
}

/** Resolves when the file's text satisfies `pred`, re-reading it on every fs.watch event. */
function waitForFile(file, pred, what, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let watcher;
    const timer = setTimeout(() => {
      watcher?.close();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const check = () => {
      let text;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return false;
      }
      if (!pred(text)) return false;
      clearTimeout(timer);
      watcher?.close();
      resolve(text);
      return true;
    };
    if (check()) return;
    watcher = watch(dirname(file), () => check());
  });
}

/** The raw value of KEY in a dotenv text (for comparisons only, never printed). */
function valueOf(text, key) {
  const line = text.split('\n').find((l) => l.startsWith(`${key}=`));
  assert(line !== undefined, `no ${key} line`);
  return line.slice(key.length + 1).trim();
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

  /** Opens a file through Quick Open (Ctrl+P): clicks the result whose row mentions `folder`. */
  async quickOpen(relPath, folder) {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(relPath);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: folder }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Ctrl+G to a 1-based line and column of the active editor. */
  async gotoLine(line, column = 1) {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
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

  /**
   * Runs a command from the palette by its title. Right after start-up the palette may not list
   * the extension's commands yet (it does not refresh while open), so it is reopened up to 3 times.
   */
  async runCommand(title) {
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`);
      const row = this.page.locator(`.quick-input-widget .monaco-list-row[aria-label^="${title}"]`).first();
      try {
        await row.waitFor({ timeout: 5_000 });
      } catch (e) {
        await this.page.keyboard.press('Escape');
        if (attempt === 3) throw new Error(`the command palette does not list "${title}"`);
        continue;
      }
      await row.click();
      await this.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
      return;
    }
  }

  async shot(name, locator) {
    const file = join(this.screenshots, name);
    if (locator) await locator.screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    return file;
  }
}

/**
 * Runs in the page: from now on, checks the editor before every painted frame (requestAnimationFrame)
 * and after every DOM change. A leaf span showing (part of) a secret value without the mask's
 * transparent style in a frame is a value painted on screen: a flash.
 */
function installMaskWatch(vals) {
  const w = window;
  const unmaskedSpans = () => {
    let lines = 0;
    let unmasked = 0;
    for (const line of document.querySelectorAll('.editor-instance .view-line')) {
      const text = line.textContent ?? '';
      if (!vals.some((v) => text.includes(v))) continue;
      lines++;
      for (const span of line.querySelectorAll('span')) {
        if (span.children.length > 0) continue;
        const t = span.textContent ?? '';
        if (t.length < 4 || !vals.some((v) => v.includes(t))) continue;
        const style = getComputedStyle(span);
        if (style.opacity !== '0' && style.color !== 'rgba(0, 0, 0, 0)' && style.color !== 'transparent') unmasked++;
      }
    }
    return { lines, unmasked };
  };
  const watch = { frames: 0, flashFrames: 0, mutationsUnmasked: 0, seen: 0, firstFlash: 0, lastFlash: 0, running: true };
  w.__maskWatch = watch;
  const frame = (t) => {
    if (!watch.running) return;
    const r = unmaskedSpans();
    watch.frames++;
    if (r.lines > 0) watch.seen++;
    if (r.unmasked > 0) {
      watch.flashFrames++;
      if (!watch.firstFlash) watch.firstFlash = t;
      watch.lastFlash = t;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  watch.observer = new MutationObserver(() => {
    if (unmaskedSpans().unmasked > 0) watch.mutationsUnmasked++;
  });
  watch.observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
}

/** Runs in the page: stops the watch and returns its counts. */
function stopMaskWatch() {
  const w = window.__maskWatch;
  w.running = false;
  w.observer.disconnect();
  return { frames: w.frames, flashFrames: w.flashFrames, mutationsUnmasked: w.mutationsUnmasked, seen: w.seen, flashMs: Math.round(w.lastFlash - w.firstFlash) };
}

function describeWatch(w) {
  return `${w.flashFrames} of ${w.frames} frames painted a value unmasked (over ~${w.flashMs} ms; ${w.mutationsUnmasked} DOM changes left one unmasked)`;
}

/** Runs in the page: value-bearing lines on screen, value spans examined, and how many show a value. */
function maskState(vals) {
  let lines = 0;
  let spans = 0;
  let unmasked = 0;
  for (const line of document.querySelectorAll('.editor-instance .view-line')) {
    const text = line.textContent ?? '';
    if (!vals.some((v) => text.includes(v))) continue;
    lines++;
    for (const span of line.querySelectorAll('span')) {
      if (span.children.length > 0) continue;
      const t = span.textContent ?? '';
      if (t.length < 4 || !vals.some((v) => v.includes(t))) continue;
      spans++;
      const style = getComputedStyle(span);
      if (style.opacity !== '0' && style.color !== 'rgba(0, 0, 0, 0)' && style.color !== 'transparent') unmasked++;
    }
  }
  return { lines, spans, unmasked };
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
  const secrets = fixtureValues(ws, { secretsOnly: true });
  const userDataDir = join(root, 'user-data');
  writeUserSettings(userDataDir, {
    'workbench.colorTheme': 'Default Dark Modern',
    'window.commandCenter': false,
    'editor.minimap.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.layoutControl.enabled': false,
  });
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
        // Close whatever widget the failed test left open, so the next test starts from the editor.
        for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
      } finally {
        clearTimeout(timer);
      }
    };

    await test('the workbench opens the fixture workspace and the extension starts', async () => {
      await wb.open(`${server.url}/?folder=${encodeURIComponent(ws)}`);
      // The status bar item turns into a shield with counts once the server has indexed the workspace.
      await page.locator('.statusbar-item').filter({ has: page.locator('.codicon-shield') }).first().waitFor({ timeout: 60_000 });
    });

    // A positive control for the frame check below: with masking off (the default), the check
    // must see the values. Then masking goes on, so that no screenshot shows a value and every
    // file opened after it is watched for a frame where a value is painted unmasked.
    await test('masking is off by default: the values of .env.example are readable', async () => {
      await wb.openFile('.env.example');
      const st = await until(page, 'the value of API_SIGNING_SECRET to be visible', async () => {
        const r = await page.evaluate(maskState, secrets);
        return r.unmasked > 0 ? r : undefined;
      });
      assert(st.spans > 0, 'no value span was examined');
    });

    await test('masking: "Toggle masking" turns it on for the window', async () => {
      await wb.runCommand('Secret Hygiene: Toggle masking of secret values');
      await page.locator('.statusbar-item', { hasText: 'masking on' }).first().waitFor({ timeout: 10_000 });
      await page.evaluate(installMaskWatch, secrets);
    });

    await test('opening .env: values are masked from the first frame, comments included; the status bar counts findings', async () => {
      await wb.openFile('.env');
      await page.locator('.editor-instance .view-line', { hasText: 'OLD_SESSION_SECRET' }).first().waitFor();
      const state = await until(page, 'every value on screen to be masked', async () => {
        const st = await page.evaluate(maskState, secrets);
        return st.lines >= 4 && st.spans >= 4 && st.unmasked === 0 ? st : undefined;
      });
      assert(state.lines >= 4, `only ${state.lines} value-bearing lines on screen`);
      const watch = await page.evaluate(stopMaskWatch);
      shotsTaken.push(await wb.shot('masking.png', page.locator('.part.editor').first()));
      log(`masking on open of .env: ${describeWatch(watch)}`);
      assert(watch.seen > 0, 'the watch never saw a value-bearing line in a frame');
      assert(watch.flashFrames === 0, `while .env opened, ${describeWatch(watch)}`);
      const item = page.locator('.statusbar-item').filter({ has: page.locator('.codicon-shield') }).first();
      await item.waitFor({ timeout: 30_000 });
      assertNoValue((await item.getAttribute('aria-label')) ?? '', values, 'the status bar item');
    });

    await test('the Problems panel lists the findings with message, rule id and line, for open and unopened files', async () => {
      const rows = await wb.problems();
      // The list is virtualised (only rows on screen are in the DOM): filter it to each finding in turn.
      const filter = page.getByPlaceholder(/^Filter \(e\.g\./).first();
      await filter.waitFor({ timeout: 10_000 });
      const expected = [
        { file: '.env', rule: 'weak-secret', line: 4, filter: 'well-known placeholder' },
        { file: '.env', rule: 'client-exposed-secret', line: 7, filter: 'NEXT_PUBLIC_API_SECRET holds a secret' },
        { file: '.env', rule: 'parse-error', line: 9, filter: 'Space before "=" after LOG_LEVEL' },
        { file: '.env.production', rule: 'env-not-ignored', line: 1, filter: '.gitignore does not ignore it' },
        { file: '.env.production', rule: 'reused-secret', line: 3, filter: 'same value in .env.production' },
        { file: 'legacy/.env', rule: 'low-entropy-secret', line: 3, filter: 'LEGACY_REFRESH_SECRET is guessable' },
      ];
      const read = () => rows.evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', text: e.innerText.replace(/\s+/g, ' ') })));
      for (const e of expected) {
        await filter.fill(e.filter);
        const row = await until(page, `the ${e.rule} row of ${e.file}`, async () => {
          const all = await read();
          return all.find((r) => new RegExp(`secret-hygiene\\s*\\(?${e.rule}\\)?`).test(r.text) && r.text.includes(`[Ln ${e.line},`) && r.label.includes(e.filter));
        }, 30_000).catch(async (err) => {
          const all = await read();
          for (const r of all) assertNoValue(r.label + r.text, values, 'a Problems row');
          throw new Error(`${err.message}; rows: ${all.map((r) => r.text).join(' | ') || 'none'}`);
        });
        assertNoValue(row.label + row.text, values, `the ${e.rule} row`);
        assert(/generated by secret-hygiene/.test(row.label), `the ${e.rule} row does not name the secret-hygiene source`);
        // The file group above the row: unopened files (.env.production, legacy/.env) are listed too.
        const groups = (await read()).filter((r) => /problems? in file/.test(r.label)).map((r) => r.label);
        const base = e.file.split('/').pop();
        assert(groups.some((g) => g.includes(`in file ${base} `)), `no group for ${e.file} (groups: ${groups.join(' | ')})`);
      }
      await filter.fill('');
      await wb.openFile('.env');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'well-known placeholder' }).first().waitFor();
      shotsTaken.push(await wb.shot('diagnostics.png'));
    });

    await test('hover on JWT_SECRET tells strength, rotation slots and fingerprint, never the value', async () => {
      await wb.openFile('.env');
      await wb.gotoLine(4, 3);
      await wb.runCommand('Show or Focus Hover');
      const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'JWT_SECRET' }).first();
      await hover.waitFor({ timeout: 20_000 });
      const text = await hover.innerText();
      assert(/Strength/.test(text) && /bytes/.test(text), 'the hover gives no strength');
      assert(/JWT_SECRET_PREVIOUS/.test(text), 'the hover does not name the previous slot');
      assertNoValue(text, values, 'the hover');
      assert(!/\bchangeme\b/.test(text), 'the hover shows the JWT_SECRET value');
      shotsTaken.push(await wb.shot('hover.png', page.locator('.part.editor').first()));
      await page.keyboard.press('Escape');
    });

    await test('the quick-fix menu on JWT_SECRET offers the replacement, the suppression and the docs', async () => {
      await wb.gotoLine(4, 14);
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget').first();
      // Ctrl+. once went unanswered in CI (the lightbulb was on the line, the editor had the cursor,
      // no menu in 20 s; it passed on every other run): then the palette's "Quick Fix..." opens it.
      try {
        await menu.waitFor({ timeout: 10_000 });
      } catch {
        console.log('[e2e] the quick-fix menu did not open on Ctrl+.; opening it with "Quick Fix..." from the command palette');
        await wb.runCommand('Quick Fix...');
        await menu.waitFor({ timeout: 20_000 });
      }
      await menu.locator('.monaco-list-row', { hasText: 'Replace JWT_SECRET with a new 32-byte secret' }).first().waitFor({ timeout: 20_000 });
      const text = await menu.innerText();
      assert(/Disable weak-secret for this line/.test(text), 'no "Disable weak-secret for this line"');
      assert(/Show documentation for weak-secret/.test(text), 'no "Show documentation for weak-secret"');
      assertNoValue(text, values, 'the quick-fix menu');
      shotsTaken.push(await wb.shot('quick-fix.png', page.locator('.part.editor').first()));
      await page.keyboard.press('Escape');
    });

    await test('"Secret Hygiene: Rotate secret" from the command palette rotates the key under the cursor', async () => {
      const file = join(ws, 'rotation', '.env');
      const before = readFileSync(file, 'utf8');
      const oldValue = valueOf(before, 'API_JWT_SECRET');
      await wb.quickOpen('rotation/.env', 'rotation');
      await page.locator('.editor-instance .view-line', { hasText: 'API_JWT_SECRET_PREVIOUS' }).first().waitFor();
      await wb.gotoLine(2, 3);
      await wb.runCommand('Secret Hygiene: Rotate secret');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Rotated API_JWT_SECRET' }).first();
      await toast.waitFor({ timeout: 30_000 });
      const toastText = await toast.innerText();
      assertNoValue(toastText, values, 'the "Rotated" notification');
      // VS Code may save a file an extension's workspace edit touched (files.refactoring.autoSave);
      // save anyway, then wait for the file on disk to change.
      await page.keyboard.press('Control+S');
      await waitForFile(file, (t) => /^API_JWT_SECRET_PREVIOUS=\S/m.test(t) && /^API_JWT_SECRET=\S/m.test(t) && valueOf(t, 'API_JWT_SECRET') !== oldValue, 'the rotation to reach rotation/.env on disk');
      const after = readFileSync(file, 'utf8');
      assert(valueOf(after, 'API_JWT_SECRET_PREVIOUS') === oldValue, 'API_JWT_SECRET_PREVIOUS does not hold the old value on disk');
      const fresh = valueOf(after, 'API_JWT_SECRET');
      assert(/^[0-9a-f]{64}$/.test(fresh) && fresh !== oldValue, 'API_JWT_SECRET on disk is not a new 32-byte hex value');
      assertNoValue(toastText, [fresh], 'the "Rotated" notification');
    });

    await test('masking: a file opened later (.env.production) does not flash its values either', async () => {
      await page.evaluate(installMaskWatch, secrets);
      await wb.openFile('.env.production');
      await page.locator('.editor-instance .view-line', { hasText: 'WALLET_ENCRYPTION_KEY_VERSION' }).first().waitFor();
      await until(page, 'every value on screen to be masked', async () => {
        const st = await page.evaluate(maskState, secrets);
        return st.lines >= 3 && st.spans >= 3 && st.unmasked === 0 ? st : undefined;
      });
      const watch = await page.evaluate(stopMaskWatch);
      log(`masking on open of .env.production: ${describeWatch(watch)}`);
      assert(watch.seen > 0, 'the watch never saw a value-bearing line in a frame');
      assert(watch.flashFrames === 0, `while .env.production opened, ${describeWatch(watch)}`);
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
