// WebKit (the engine of Safari): Debian's WebKitGTK MiniBrowser driven by
// WebKitWebDriver (webkit2gtk-driver) through selenium-webdriver, on a virtual X
// display (xvfb-run). There is no BiDi: network requests and errors are only what the
// page itself records (see lib.mjs's probe).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, By, Key } from 'selenium-webdriver';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function until(ok, ms, what) {
  for (const t0 = Date.now(); !(await ok().catch(() => false));) {
    if (Date.now() - t0 > ms) throw new Error(`${what} in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const KEYS = { Tab: Key.TAB, Enter: Key.ENTER, Shift: Key.SHIFT };

export async function launch() {
  const port = await freePort();
  // Its own process group, so that closing ends Xvfb, the driver and the browser.
  const server = spawn('xvfb-run', ['-a', '-s', '-screen 0 1600x1200x24', 'WebKitWebDriver', `--port=${port}`],
    { stdio: 'ignore', detached: true });
  const exited = new Promise((r) => server.once('exit', r));
  const stop = () => { try { process.kill(-server.pid, 'SIGTERM'); } catch (_) { /* gone */ } };
  process.once('exit', stop);
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/status`)).ok, 30000, 'WebKitWebDriver did not start');
  const driver = await new Builder().usingServer(url).withCapabilities({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
  }).build();
  await driver.manage().setTimeouts({ script: 10 * 60 * 1000, pageLoad: 60000 });
  await driver.manage().window().setRect({ width: 1280, height: 900 });
  return {
    requests: [],
    errors: [],
    pid: () => server.pid,
    contentProcess: (cmd) => cmd.includes('WebKitWebProcess'),
    goto: (u) => driver.get(u),
    async evaluate(expression) {
      const r = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => ${expression}).then((v) => done({ v: v === undefined ? null : v }),
          (e) => done({ e: String((e && e.stack) || e) }));`);
      if (r.e) throw new Error(r.e);
      return r.v;
    },
    setFiles: async (selector, paths) => (await driver.findElement(By.css(selector))).sendKeys(paths.join('\n')),
    async press(key) {
      const keys = key.split('+').map((k) => KEYS[k] || k);
      let a = driver.actions();
      for (const k of keys) a = a.keyDown(k);
      for (const k of keys.reverse()) a = a.keyUp(k);
      await a.perform();
    },
    keyActivates: true,
    type: (text) => driver.actions().sendKeys(text).perform(),
    viewport: (width, height) => driver.manage().window().setRect({ width, height }),
    async close() {
      await driver.quit().catch(() => {});
      stop();
      await exited;
    },
  };
}
