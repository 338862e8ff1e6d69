// The all-wasm fallback (no WebCrypto split, `#engine=wasm`) gives the same bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, sqlDump, sha256, openPage, decrypt, save, card } from './lib.mjs';

const dir = workdir();
const sql = sqlDump(3 * 1024 * 1024 + 5);
const data = randomBytes(2 * 1024 * 1024 + 1);
const files = [
  [opensslEncrypt(dir, 'db.sql.encrypted', sql, 'pw'), sql, /padding and content look right/],
  [pyAesCryptEncrypt(dir, 'files.zip.encrypted', data, 'pw'), data, /verified \(HMAC\)/],
];

let ctx;
before(async () => { ctx = await openPage({ hash: '#engine=wasm' }); });
after(async () => {
  assert.deepEqual(ctx.requests, []);
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
});

test('wasm engine: OpenSSL and AES Crypt decrypt byte-exact', async () => {
  await ctx.page.setInputFiles('#files', files.map(([p]) => p));
  for (const [i, [, bytes, integrity]] of files.entries()) {
    assert.match(await decrypt(ctx.page, i, 'pw'), integrity);
    assert.equal(sha256(await save(ctx.page, i)), sha256(bytes));
  }
});

test('Cancel stops a running decryption and offers nothing', async () => {
  const big = randomBytes(96 * 1024 * 1024);
  await ctx.page.setInputFiles('#files', [pyAesCryptEncrypt(dir, 'big.zip.encrypted', big, 'pw')]);
  const c = card(ctx.page, 2);
  const go = c.getByRole('button', { name: 'Decrypt' });
  await c.locator('.status').filter({ hasText: 'Ready' }).waitFor();
  await c.getByLabel(/^Password for/).fill('pw');
  await go.click();
  const cancel = c.getByRole('button', { name: 'Cancel' });
  for (let i = 0; i < 400 && (await cancel.isDisabled()); i++) await new Promise((r) => setTimeout(r, 25));
  await cancel.click();
  await c.locator('.status.bad, .status.ok').waitFor({ timeout: 120000 });
  assert.match(await c.locator('.status').textContent(), /^Cancelled\. Nothing was saved\./);
  assert.equal(await c.locator('a.save').count(), 0);
  assert.ok(await go.isEnabled(), 'Decrypt can be pressed again');
});
