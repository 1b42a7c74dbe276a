// Debian's Chromium through playwright-core, headless, with a fresh profile per run.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A persistent context on a fresh profile; the profile goes in as the first argument. */
export async function launchBrowser({ executablePath, profileDir, env, viewport = { width: 1280, height: 800 } }) {
  mkdirSync(profileDir, { recursive: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env,
    viewport,
    deviceScaleFactor: 1,
  });
}
