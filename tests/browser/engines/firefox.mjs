// Firefox: Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi (no
// geckodriver). CSP violations and uncaught errors arrive as `pageerror` events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'backupcrypt-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, userDataDir: profile,
    defaultViewport: { width: 1280, height: 900 },
    extraPrefsFirefox: { 'focusmanager.testmode': true },
    // Puppeteer's 30 s is too short for a first start on a busy 2-core machine.
    timeout: 120000,
  });
  const page = (await browser.pages())[0] || await browser.newPage();
  const requests = [];
  const errors = [];
  let loaded = false;
  // blob: and data: URLs never leave the browser (Firefox loads a data: font of its own).
  page.on('request', (r) => { if (loaded && !/^(blob|data):/.test(r.url())) requests.push(r.url()); });
  page.on('pageerror', (e) => errors.push(String(e && e.message ? e.message : e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return {
    requests,
    errors,
    pid: () => browser.process().pid,
    contentProcess: (cmd) => cmd.includes('-contentproc') && /\btab\b/.test(cmd),
    async goto(url) {
      loaded = false;
      await page.goto(url);
      await page.bringToFront();
      loaded = true;
    },
    evaluate: (expression) => page.evaluate(expression),
    async setFiles(selector, paths) {
      const input = await page.$(selector);
      await input.uploadFile(...paths);
    },
    async press(key) {
      const keys = key.split('+');
      const last = keys.pop();
      for (const k of keys) await page.keyboard.down(k);
      await page.keyboard.press(last);
      for (const k of keys.reverse()) await page.keyboard.up(k);
    },
    type: (text) => page.keyboard.type(text),
    // Keys sent over BiDi reach the page (keydown, keypress, keyup; Tab moves the focus,
    // Enter submits a form), but Firefox does not press a focused button or follow a
    // focused link on them (measured with a two-element page, headless or on a
    // virtual display): the tests then click the focused element instead.
    keyActivates: false,
    viewport: (width, height) => page.setViewport({ width, height }),
    async close() { await browser.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}
