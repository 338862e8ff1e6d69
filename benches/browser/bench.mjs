// Browser benchmark of the offline page (not part of the tests; run by hand):
//   cargo xtask page && node benches/browser/bench.mjs [MiB, default 256] [--runs N] [--zip MiB] [--page FILE]
// Each run, in a fresh Chromium: decrypts an OpenSSL (`-pbkdf2`) and an AES Crypt v2
// (pyAesCrypt 6.0.0) file of that size end to end in dist/backupcrypt.html (WebCrypto
// split, then the all-wasm fallback), with the worker's time per stage (`#profile`),
// the renderer's memory while it decrypts, and raw chained WebCrypto AES-CBC in the
// same browser; then lists the entries of an encrypted ZIP backup (`--zip`, default
// 1024 MiB; 0 skips it). Each decryption also reports the CPU seconds of every
// browser thread (from /proc): on a machine with N cores the wall time cannot be less
// than 1/N of it. With several runs, the summary gives median and range.
// `--page` benchmarks another build of the page (e.g. a saved earlier one).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  workdir, opensslEncrypt, pyAesCryptEncrypt, python, openPage as openPageAt, card, decrypt, PAGE_URL,
} from '../../tests/browser/lib.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '1' }, zip: { type: 'string', default: '1024' }, page: { type: 'string' },
  },
});
const url = opts.page ? pathToFileURL(resolve(opts.page)).href : PAGE_URL;
const openPage = (o = {}) => openPageAt({ ...o, url });
const mib = Number(positionals[0] || 256);
const runs = Number(opts.runs);
const zipMib = Number(opts.zip);
const dir = workdir();
const plain = join(dir, 'plain');
{
  const fd = openSync(plain, 'w');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < mib; i++) writeSync(fd, block);
  closeSync(fd);
}
const data = readFileSync(plain);
const files = {
  'OpenSSL enc -pbkdf2': opensslEncrypt(dir, 'db.sql.encrypted', data, 'pw'),
  'AES Crypt v2 (pyAesCrypt)': pyAesCryptEncrypt(dir, 'files.zip.encrypted', data, 'pw'),
};

// A files backup as the old job made them: a ZIP of many files (stored), encrypted by
// pyAesCrypt 6.0.0. Entries of 64 KiB to ~1 MiB until the size is reached.
function zipBackup(sizeMib) {
  const zip = join(dir, 'big.zip');
  const out = join(dir, '2022-10-01--00-00-05--part-1.zip.encrypted');
  execFileSync(python(), ['-c', `
import sys, os, zipfile, pyAesCrypt
size = int(sys.argv[3]) << 20
block = os.urandom(2 << 20)
n = 0
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:
    while os.path.getsize(sys.argv[1]) < size:
        length = (64 << 10) + (n * 7919) % (960 << 10)
        z.writestr(f'dir{n % 37}/file-{n:05}.bin', block[n % 1000:][:length])
        n += 1
with open(sys.argv[1], 'rb') as fin, open(sys.argv[2], 'wb') as fout:
    pyAesCrypt.encryptStream(fin, fout, 'pw', 64 * 1024)
print(n)
`, zip, out, String(sizeMib)]);
  return out;
}
const zipFile = zipMib > 0 ? zipBackup(zipMib) : null;

// Chromium's processes for one profile, from /proc: the browser and its renderers.
function chromiumProcesses(profile) {
  const procs = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      procs.push({ pid: Number(pid), ppid, cmd });
    } catch (_) { /* gone */ }
  }
  const browser = procs.find((p) => p.cmd.includes(`--user-data-dir=${profile}`) && !p.cmd.includes('--type='));
  if (!browser) return { browser: null, renderers: [] };
  const mine = new Set([browser.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  const renderers = procs.filter((p) => mine.has(p.pid) && p.cmd.includes('--type=renderer')).map((p) => p.pid);
  return { browser: browser.pid, renderers, all: [...mine] };
}

// CPU seconds used so far by every thread of these processes, summed by thread name
// ("DedicatedWorker", "Chrome_IOThread", …) and prefixed with the process's role.
function cpuByThread(profile) {
  const { browser, renderers, all } = chromiumProcesses(profile);
  const sums = {};
  for (const pid of all) {
    const role = pid === browser ? 'browser' : renderers.includes(pid) ? 'renderer' : 'other';
    let tasks = [];
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch (_) { /* gone */ }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const key = `${role} ${name}`;
        sums[key] = (sums[key] || 0) + (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in ticks of 10 ms
      } catch (_) { /* gone */ }
    }
  }
  return sums;
}

function cpuSince(before, after) {
  const d = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] || 0) >= 0.01) d[k] = v - (before[k] || 0);
  return d;
}

function rssMib(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch (_) {
    return 0;
  }
}

// Samples the RSS of the page's renderer(s) and the browser process every 100 ms.
function memorySampler(profile) {
  const { browser, renderers } = chromiumProcesses(profile);
  const peak = { renderer: 0, browser: 0 };
  const sample = () => {
    peak.renderer = Math.max(peak.renderer, ...renderers.map(rssMib));
    peak.browser = Math.max(peak.browser, rssMib(browser));
  };
  sample();
  const start = { ...peak };
  const timer = setInterval(sample, 100);
  return { start, stop() { clearInterval(timer); sample(); return { start, peak }; } };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const MB = (bytes, ms) => bytes / (ms / 1000) / 1e6;

async function rawWebCrypto(page) {
  return page.evaluate(async (mib) => {
    // Raw chained AES-CBC decryption in a worker, one 4 MiB chunk at a time.
    const src = `onmessage = async (ev) => {
      const mib = ev.data, chunk = 4 << 20;
      const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-CBC', false, ['encrypt', 'decrypt']);
      const ct = new Uint8Array(chunk).map((_, i) => (i * 7919) & 255); // content does not matter
      let iv = new Uint8Array(16);
      const t = performance.now();
      for (let i = 0; i < mib / 4; i++) {
        const pad = new Uint8Array(16).fill(16);
        const e = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: ct.subarray(chunk - 16) }, key, pad)).subarray(0, 16);
        const buf = new Uint8Array(chunk + 16); buf.set(ct); buf.set(e, chunk);
        await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, buf);
        iv = ct.subarray(chunk - 16);
      }
      postMessage((mib * 1048576) / ((performance.now() - t) / 1000) / 1e6);
    };`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    return new Promise((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => reject(new Error(e.message));
      w.postMessage(mib);
    });
  }, mib);
}

// Lists the ZIP backup's entries through the page: from the click on "List ZIP
// contents" to the first table row, timed in the page.
async function zipListing(ctx) {
  const { page } = ctx;
  await page.setInputFiles('#files', zipFile);
  const c = card(page, 0);
  const list = c.getByRole('button', { name: 'List ZIP contents' });
  await list.waitFor();
  await c.locator('.status').filter({ hasText: 'Ready' }).waitFor();
  await c.getByLabel(/^Password for/).fill('pw');
  await page.evaluate(() => {
    window.benchClick = 0;
    window.benchRows = 0;
    document.addEventListener('click', () => { window.benchClick = performance.now(); }, true);
    new MutationObserver(() => {
      if (!window.benchRows && document.querySelector('.zip tbody tr')) window.benchRows = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
  await list.click();
  await c.locator('.zip tbody tr').first().waitFor({ timeout: 120000 });
  const ms = await page.evaluate(() => window.benchRows - window.benchClick);
  const status = (await c.locator('.status').first().textContent()).trim();
  return { ms, entries: Number((/(\d+) entries listed/.exec(status) || [])[1]) };
}

async function oneRun() {
  const result = { e2e: {}, wasm: {}, stages: {}, memory: {}, cpu: {} };
  for (const hash of ['#profile', '#engine=wasm&profile']) {
    const ctx = await openPage({ hash });
    await new Promise((r) => setTimeout(r, 3000)); // large Blobs fail right after start-up
    const cdp = await ctx.context.newCDPSession(ctx.page);
    await cdp.send('Performance.enable');
    let n = 0;
    for (const [label, path] of Object.entries(files)) {
      console.error(`${new Date().toISOString()} ${label} ${hash}`);
      await ctx.page.setInputFiles('#files', path);
      const mem = memorySampler(ctx.profile);
      const cpu0 = cpuByThread(ctx.profile);
      let heap = 0;
      const heapTimer = setInterval(async () => {
        try {
          const m = (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'JSHeapUsedSize');
          heap = Math.max(heap, m.value / 1048576);
        } catch (_) { /* closing */ }
      }, 250);
      const status = await decrypt(ctx.page, n, 'pw', { timeout: 600000 });
      clearInterval(heapTimer);
      const { start, peak } = mem.stop();
      const cpu = cpuSince(cpu0, cpuByThread(ctx.profile));
      if (!/^Done/.test(status)) throw new Error(`${label}: ${status}`);
      const stages = JSON.parse(await card(ctx.page, n).getAttribute('data-stages'));
      const rate = MB(mib * 1048576, stages.total);
      if (hash.includes('wasm')) {
        result.wasm[label] = rate;
      } else {
        result.e2e[label] = rate;
        result.stages[label] = stages;
        result.cpu[label] = cpu;
        result.memory[label] = {
          renderer: [start.renderer, peak.renderer], browser: [start.browser, peak.browser], mainHeap: heap,
        };
      }
      n++;
    }
    if (!hash.includes('wasm')) {
      const cpu0 = cpuByThread(ctx.profile);
      result.raw = await rawWebCrypto(ctx.page);
      result.cpu.raw = cpuSince(cpu0, cpuByThread(ctx.profile));
    }
    if (ctx.requests.length) throw new Error(`network requests: ${ctx.requests}`);
    await ctx.close();
  }
  if (zipFile) {
    const ctx = await openPage();
    result.zip = await zipListing(ctx);
    if (ctx.requests.length) throw new Error(`network requests: ${ctx.requests}`);
    await ctx.close();
  }
  return result;
}

const fmt = (xs, digits = 0) => (xs.length === 1
  ? xs[0].toFixed(digits)
  : `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`);

// The CPU a run cost, all threads of the browser's processes: with 2 cores, the
// wall time cannot be less than half of it.
function cpuLine(cpu) {
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  const parts = Object.entries(cpu).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  return `CPU ${total.toFixed(2)} s: ${parts.join(' · ')}`;
}

const results = [];
for (let r = 0; r < runs; r++) {
  const res = await oneRun();
  results.push(res);
  console.log(`\nrun ${r + 1} of ${runs}, ${mib} MiB files, Chromium headless`);
  for (const [label, rate] of Object.entries(res.e2e)) {
    const s = res.stages[label];
    const m = res.memory[label];
    console.log(`${label.padEnd(28)} WebCrypto  ${rate.toFixed(0)} MB/s (${(s.total / 1000).toFixed(2)} s)` +
      `   wasm only ${res.wasm[label].toFixed(0)} MB/s`);
    console.log(`  stages, ms: ${Object.entries(s).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(0) : v}`).join(' · ')}`);
    console.log(`  memory, MiB: renderer RSS ${m.renderer[0].toFixed(0)} → peak ${m.renderer[1].toFixed(0)}` +
      ` · browser RSS ${m.browser[0].toFixed(0)} → peak ${m.browser[1].toFixed(0)} · main-thread JS heap peak ${m.mainHeap.toFixed(1)}`);
    console.log(`  ${cpuLine(res.cpu[label])}`);
  }
  console.log(`raw WebCrypto AES-CBC, chained 4 MiB chunks (one at a time): ${res.raw.toFixed(0)} MB/s`);
  console.log(`  ${cpuLine(res.cpu.raw)}`);
  const ossl = res.e2e['OpenSSL enc -pbkdf2'];
  console.log(`OpenSSL end to end / raw WebCrypto: ${(ossl / res.raw).toFixed(2)}×`);
  if (res.zip) console.log(`ZIP listing, ${zipMib} MiB backup, ${res.zip.entries} entries: ${res.zip.ms.toFixed(0)} ms`);
}

if (runs > 1) {
  console.log(`\nsummary of ${runs} runs: median (min–max)`);
  for (const label of Object.keys(files)) {
    console.log(`${label.padEnd(28)} WebCrypto ${fmt(results.map((r) => r.e2e[label]))} MB/s · wasm only ${fmt(results.map((r) => r.wasm[label]))} MB/s`);
  }
  console.log(`raw WebCrypto AES-CBC: ${fmt(results.map((r) => r.raw))} MB/s`);
  const cpuTotal = (c) => Object.values(c).reduce((a, b) => a + b, 0);
  console.log(`CPU seconds, all browser threads: ${[...Object.keys(files), 'raw'].map((k) => `${k.split(' ')[0]} ${fmt(results.map((r) => cpuTotal(r.cpu[k])), 2)}`).join(' · ')}`);
  console.log(`OpenSSL / raw, same run: ${fmt(results.map((r) => r.e2e['OpenSSL enc -pbkdf2'] / r.raw), 2)}×`);
  if (zipFile) console.log(`ZIP listing: ${fmt(results.map((r) => r.zip.ms))} ms`);
}
