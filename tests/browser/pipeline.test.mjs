// The WebCrypto fast path over several of the worker's 16 MiB chunks: byte-exact
// output for both ways it reads (AES Crypt: whole chunks through the HMAC; OpenSSL:
// the decrypt workers read), damage in a middle chunk reported with nothing offered,
// and Cancel in the middle of a run, after which the same card decrypts again; and
// the same without decrypt workers (browsers without nested workers), driving the
// page's worker directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, sqlDump, sha256, openPage, card, decrypt, save } from './lib.mjs';

const MiB = 1024 * 1024;
const dir = workdir();
const sql = sqlDump(2 * 16 * MiB + 5 * MiB + 7);
const zipLike = Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(2 * 16 * MiB + 16 * 3 - 4)]);
const openssl = opensslEncrypt(dir, 'big.sql.encrypted', sql, 'pw');
const v2 = pyAesCryptEncrypt(dir, 'big.zip.encrypted', zipLike, 'pw');
const damaged = join(dir, 'damaged-middle.zip.encrypted');
{
  const b = Buffer.from(readFileSync(v2));
  b[16 * MiB + 12345] ^= 0x40;
  writeFileSync(damaged, b);
}
const huge = opensslEncrypt(dir, 'huge.sql.encrypted', Buffer.concat(Array(24).fill(sql.subarray(0, 16 * MiB))), 'pw');

let ctx;
let added = 0;
before(async () => { ctx = await openPage(); });
after(async () => {
  assert.deepEqual(ctx.requests, []);
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
});

async function add(path) {
  await ctx.page.setInputFiles('#files', path);
  return added++;
}

for (const [name, path, bytes, integrity] of [
  ['OpenSSL', openssl, sql, /padding and content look right/],
  ['AES Crypt v2', v2, zipLike, /verified \(HMAC\)/],
]) {
  test(`${name} over three chunks decrypts byte-exact`, async () => {
    const n = await add(path);
    assert.match(await decrypt(ctx.page, n, 'pw', { timeout: 120000 }), integrity);
    assert.equal(sha256(await save(ctx.page, n)), sha256(bytes));
  });
}

test('damage in the second chunk: "damaged", nothing offered', async () => {
  const n = await add(damaged);
  assert.match(await decrypt(ctx.page, n, 'pw', { timeout: 120000 }), /^The file is damaged.*HMAC/);
  assert.equal(await card(ctx.page, n).locator('a.save').count(), 0);
});

test('Cancel stops the fast path; the card then decrypts again', async () => {
  const n = await add(huge);
  const c = card(ctx.page, n);
  await c.locator('.status').filter({ hasText: 'Ready' }).waitFor();
  await c.getByLabel(/^Password for/).fill('pw');
  await c.getByRole('button', { name: 'Decrypt' }).click();
  const cancel = c.getByRole('button', { name: 'Cancel' });
  for (let i = 0; i < 400 && (await cancel.isDisabled()); i++) await new Promise((r) => setTimeout(r, 10));
  await cancel.click();
  await c.locator('.status.bad, .status.ok').waitFor({ timeout: 120000 });
  assert.match(await c.locator('.status').textContent(), /^Cancelled\. Nothing was saved\./);
  assert.equal(await c.locator('a.save').count(), 0);
  assert.match(await decrypt(ctx.page, n, 'pw', { timeout: 120000 }), /padding and content look right/);
  assert.equal(await c.locator('a.save').count(), 1);
});

test('without decrypt workers, the page\'s worker decrypts the chunks itself', async () => {
  const { page } = ctx;
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.type = 'file';
    i.id = 'direct';
    i.multiple = true;
    document.body.append(i);
  });
  await page.setInputFiles('#direct', [openssl, v2]);
  const hashes = await page.evaluate(async () => {
    const src = document.getElementById('worker-source').textContent;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    const out = [];
    for (const [id, file] of [...document.getElementById('direct').files].entries()) {
      const blob = await new Promise((resolve, reject) => {
        w.onmessage = (e) => {
          if (e.data.op === 'opened') w.postMessage({ op: 'run', id, tuning: { workers: 0 } });
          else if (e.data.op === 'done') resolve(e.data.blob);
          else if (e.data.op === 'error') reject(new Error(e.data.message));
        };
        const pw = new TextEncoder().encode('pw');
        w.postMessage({ op: 'open', id, file, password: pw.buffer }, [pw.buffer]);
      });
      const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
      out.push([...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, '0')).join(''));
    }
    w.terminate();
    return out;
  });
  assert.deepEqual(hashes, [sha256(sql), sha256(zipLike)]);
});
