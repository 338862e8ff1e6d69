// Browser benchmark of the offline page (not part of the tests; run by hand):
//   cargo xtask page && node benches/browser/bench.mjs [MiB, default 256]
// Decrypts an OpenSSL (`-pbkdf2`) and an AES Crypt v2 (pyAesCrypt 6.0.0) file of that
// size end to end in dist/backupcrypt.html (WebCrypto split, then the all-wasm
// fallback), and measures raw chained WebCrypto AES-CBC in the same browser run.
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import {
  workdir, opensslEncrypt, pyAesCryptEncrypt, openPage, card, decrypt,
} from '../../tests/browser/lib.mjs';

const mib = Number(process.argv[2] || 256);
const dir = workdir();
const plain = join(dir, 'plain');
{
  const fd = openSync(plain, 'w');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < mib; i++) writeSync(fd, block);
  closeSync(fd);
}
const { readFileSync } = await import('node:fs');
const data = readFileSync(plain);
const files = {
  'OpenSSL enc -pbkdf2': opensslEncrypt(dir, 'db.sql.encrypted', data, 'pw'),
  'AES Crypt v2 (pyAesCrypt)': pyAesCryptEncrypt(dir, 'files.zip.encrypted', data, 'pw'),
};

async function endToEnd(hash) {
  const ctx = await openPage({ hash });
  await new Promise((r) => setTimeout(r, 3000)); // large Blobs fail right after start-up
  const out = [];
  let n = 0;
  for (const [label, path] of Object.entries(files)) {
    console.error(`${new Date().toISOString()} ${label} ${hash}`);
    await ctx.page.setInputFiles('#files', path);
    await decrypt(ctx.page, n, 'pw', { timeout: 600000 });
    const rate = await card(ctx.page, n).locator('.rate').textContent();
    out.push(`${label.padEnd(28)} ${hash ? 'wasm only ' : 'WebCrypto '} ${rate}`);
    n++;
  }
  let raw = '';
  if (!hash) {
    raw = await ctx.page.evaluate(async (mib) => {
      // Raw chained AES-CBC decryption in a worker, as the page's worker does it.
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
    raw = `raw WebCrypto AES-CBC, chained 4 MiB chunks (one at a time): ${raw.toFixed(0)} MB/s`;
  }
  if (ctx.requests.length) throw new Error(`network requests: ${ctx.requests}`);
  await ctx.close();
  return [...out, raw].filter(Boolean);
}

console.log(`backupcrypt page benchmark, ${mib} MiB files, Chromium headless`);
for (const line of await endToEnd('')) console.log(line);
for (const line of await endToEnd('#engine=wasm')) console.log(line);
