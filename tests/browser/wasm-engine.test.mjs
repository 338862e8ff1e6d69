// The all-wasm fallback (no WebCrypto split, `#engine=wasm`) gives the same bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, sqlDump, sha256, openPage, decrypt, save } from './lib.mjs';

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
