// Chromium: Debian's chromium driven by playwright-core (CDP).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findProcess } from './processes.mjs';

export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'backupcrypt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] || await context.newPage();
  const requests = [];
  const errors = [];
  let loaded = false;
  context.on('request', (r) => { if (loaded && !r.url().startsWith('blob:')) requests.push(r.url()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return {
    requests,
    errors,
    // The browser's main process (the renderers are its descendants).
    pid: () => findProcess((cmd) => cmd.includes(profile) && !cmd.includes('--type=')),
    contentProcess: (cmd) => cmd.includes('--type=renderer') && !cmd.includes('--extension-process'),
    async goto(url) { loaded = false; await page.goto(url); loaded = true; },
    evaluate: (expression) => page.evaluate(expression),
    setFiles: (selector, paths) => page.setInputFiles(selector, paths),
    press: (key) => page.keyboard.press(key),
    keyActivates: true,
    type: (text) => page.keyboard.type(text),
    viewport: (width, height) => page.setViewportSize({ width, height }),
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}
