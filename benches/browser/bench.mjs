// Browser benchmark of the offline page, per engine (not part of the tests; run by hand):
//   cargo xtask page && node benches/browser/bench.mjs [MiB, default 256] [--runs N] [--zip MiB] [--page FILE]
//     [--hash '&pipeline=chunk:8,readAhead:4'] [--skip-wasm]
// Engines: BROWSERS=chromium,firefox,webkit (default: all), each driven as in the tests
// (tests/browser/engines/). Each run, for each engine, each file in a fresh browser: decrypts an
// OpenSSL (`-pbkdf2`) and an AES Crypt v2 (pyAesCrypt 6.0.0) file of that size end to
// end in dist/backupcrypt.html from file:// (WebCrypto split with the worker's time per
// stage, `#profile`; then the all-wasm fallback), with the peak resident memory of the
// engine's content (renderer) process while it decrypts, and raw chained WebCrypto
// AES-CBC in the same browser; then lists the entries of an encrypted ZIP backup
// (`--zip`, default 256 MiB; 0 skips it). With several runs, the summary gives median
// and range. `--page` benchmarks another build of the page (e.g. a saved earlier one);
// `--hash` adds page hooks (`&pipeline=…`: the fast path's sizes, see
// www/page/worker-link.js); `--skip-wasm` skips the all-wasm fallback.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ENGINES, workdir, opensslEncrypt, pyAesCryptEncrypt, python, openPage as openPageAt, decrypt, PAGE_URL,
} from '../../tests/browser/lib.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '1' }, zip: { type: 'string', default: '256' }, page: { type: 'string' },
    hash: { type: 'string', default: '' }, 'skip-wasm': { type: 'boolean', default: false },
  },
});
const url = opts.page ? pathToFileURL(resolve(opts.page)).href : PAGE_URL;
const openPage = (engine, o = {}) => openPageAt(engine, { ...o, url });
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

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const MB = (bytes, ms) => bytes / (ms / 1000) / 1e6;

// Raw chained AES-CBC decryption in a worker, one 4 MiB chunk at a time: the most any
// page could get from this engine's WebCrypto on one thread.
const rawWebCrypto = (ctx) => ctx.run((t, mib) => {
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
    w.onmessage = (e) => { w.terminate(); resolve(e.data); };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(mib);
  });
}, mib);

// Lists the ZIP backup's entries through the page: from the click on "List ZIP
// contents" to the first table row, timed in the page.
async function zipListing(ctx) {
  const n = await ctx.add(zipFile);
  await ctx.ready(n);
  await ctx.fill(n, 'pw');
  await ctx.run(() => {
    window.benchClick = 0;
    window.benchRows = 0;
    document.addEventListener('click', () => { window.benchClick = performance.now(); }, true);
    new MutationObserver(() => {
      if (!window.benchRows && document.querySelector('.zip tbody tr')) window.benchRows = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
    return true;
  });
  await ctx.click(n, 'List ZIP contents');
  await ctx.waitFor(() => window.benchRows, [], { timeout: 300000, what: 'the ZIP listing' });
  const ms = await ctx.run(() => window.benchRows - window.benchClick);
  const status = (await ctx.status(n)).text;
  return { ms, entries: Number((/(\d+) entries listed/.exec(status) || [])[1]) };
}

async function oneRun(engine) {
  const result = { e2e: {}, wasm: {}, stages: {}, memory: {} };
  for (const hash of [`#profile${opts.hash}`, ...(opts['skip-wasm'] ? [] : [`#engine=wasm&profile${opts.hash}`])]) {
    for (const [label, path] of Object.entries(files)) {
      // Each file in a fresh browser: Chromium's blob store lost the second 256 MiB
      // in-memory output of a page now and then (the page said so), whatever the build.
      const ctx = await openPage(engine, { hash });
      console.error(`${new Date().toISOString()} [${engine}] ${label} ${hash}`);
      await ctx.add(path);
      let status;
      const peak = await ctx.peakMemory(async () => { status = await decrypt(ctx, 0, 'pw', { timeout: 900000 }); });
      if (!/^Done/.test(status)) throw new Error(`[${engine}] ${label}: ${status}`);
      const stages = JSON.parse(await ctx.run((t) => t.card(0).dataset.stages));
      const rate = MB(mib * 1048576, stages.total);
      if (hash.includes('wasm')) {
        result.wasm[label] = rate;
      } else {
        result.e2e[label] = rate;
        result.stages[label] = stages;
        result.memory[label] = peak / 1048576;
      }
      if ((await ctx.requests()).length) throw new Error(`network requests: ${await ctx.requests()}`);
      await ctx.close();
    }
  }
  {
    const ctx = await openPage(engine);
    result.raw = await rawWebCrypto(ctx);
    await ctx.close();
  }
  if (zipFile) {
    const ctx = await openPage(engine);
    result.zip = await zipListing(ctx);
    await ctx.close();
  }
  return result;
}

const fmt = (xs, digits = 0) => (xs.length === 1
  ? xs[0].toFixed(digits)
  : `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`);

const all = Object.fromEntries(ENGINES.map((e) => [e, []]));
for (let r = 0; r < runs; r++) {
  for (const engine of ENGINES) {
    const res = await oneRun(engine);
    all[engine].push(res);
    console.log(`\nrun ${r + 1} of ${runs}, ${mib} MiB files, ${engine}`);
    for (const [label, rate] of Object.entries(res.e2e)) {
      const s = res.stages[label];
      console.log(`${label.padEnd(28)} WebCrypto  ${rate.toFixed(0)} MB/s (${(s.total / 1000).toFixed(2)} s, ` +
        `${(rate / res.raw).toFixed(2)}× raw)   wasm only ${(res.wasm[label] || 0).toFixed(0)} MB/s` +
        `   content process peak RSS ${res.memory[label].toFixed(0)} MiB`);
      console.log(`  stages, ms: ${Object.entries(s).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(0) : v}`).join(' · ')}`);
    }
    console.log(`raw WebCrypto AES-CBC, chained 4 MiB chunks (one at a time): ${res.raw.toFixed(0)} MB/s`);
    if (res.zip) console.log(`ZIP listing, ${zipMib} MiB backup, ${res.zip.entries} entries: ${res.zip.ms.toFixed(0)} ms`);
  }
}

console.log(`\nsummary, ${mib} MiB files, ${runs} run(s)${runs > 1 ? ': median (min–max)' : ''}`);
for (const engine of ENGINES) {
  const rs = all[engine];
  console.log(`[${engine}]`);
  for (const label of Object.keys(files)) {
    console.log(`  ${label.padEnd(28)} ${fmt(rs.map((r) => r.e2e[label]))} MB/s · ` +
      `${fmt(rs.map((r) => r.e2e[label] / r.raw), 2)}× raw · wasm only ${fmt(rs.map((r) => r.wasm[label] || 0))} MB/s · ` +
      `peak ${fmt(rs.map((r) => r.memory[label]))} MiB`);
  }
  console.log(`  raw WebCrypto AES-CBC: ${fmt(rs.map((r) => r.raw))} MB/s`);
  if (zipFile) console.log(`  ZIP listing: ${fmt(rs.map((r) => r.zip.ms))} ms`);
}
