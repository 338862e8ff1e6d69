// The all-wasm fallback (no WebCrypto split, `#engine=wasm`) gives the same bytes, in
// each engine.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, sqlDump, digest, eachEngine, finish, openPage, decrypt, save } from './lib.mjs';

const dir = workdir();
const sql = sqlDump(3 * 1024 * 1024 + 5);
const data = randomBytes(2 * 1024 * 1024 + 1);
const files = [
  [opensslEncrypt(dir, 'db.sql.encrypted', sql, 'pw'), sql, /^Done: ok\. padding valid; PostgreSQL dump, complete\.$/],
  [pyAesCryptEncrypt(dir, 'files.zip.encrypted', data, 'pw'), data, /^Done: ok\. HMAC verified; content: not recognised\.$/],
];
const big = pyAesCryptEncrypt(dir, 'big.zip.encrypted', randomBytes(96 * 1024 * 1024), 'pw');

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine, { hash: '#engine=wasm' }); });
  // The page asks for nothing, and nothing fails, over every test of the suite.
  after(() => finish(ctx));

  test('wasm engine: OpenSSL and AES Crypt decrypt byte-exact', async () => {
    const first = await ctx.add(...files.map(([p]) => p));
    for (const [i, [, bytes, integrity]] of files.entries()) {
      assert.match(await decrypt(ctx, first + i, 'pw'), integrity);
      assert.equal(await save(ctx, first + i), digest(bytes));
    }
  });

  test('Cancel stops a running decryption and offers nothing', async () => {
    const n = await ctx.add(big);
    await ctx.ready(n);
    await ctx.fill(n, 'pw');
    await ctx.click(n, 'Decrypt');
    await ctx.waitFor((t, n) => !t.button(n, 'Cancel').disabled, [n], { what: 'Cancel enabled' });
    await ctx.click(n, 'Cancel');
    assert.match(await ctx.outcome(n, 120000), /^Cancelled\. Nothing was saved\./);
    assert.equal(await ctx.count(n, 'a.save'), 0);
    assert.ok(!(await ctx.isDisabled(n, 'Decrypt')), 'Decrypt can be pressed again');
  });
});
