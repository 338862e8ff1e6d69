// Large files in each engine: a 1 GiB OpenSSL file and a 1 GiB AES Crypt v2 file
// (pyAesCrypt 6.0.0) decrypt byte-exact from file://, one after the other in the same
// page. Reported, not asserted (performance is the benchmark's): the rate, and the
// peak resident memory of the engine's content (renderer) process while each runs.
// `LARGE_MIB` sets the size (default 1024).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, digest, eachEngine, finish, openPage, decrypt, save } from './lib.mjs';

const MIB = Number(process.env.LARGE_MIB || 1024);
const dir = workdir();
const data = randomFillSync(Buffer.allocUnsafe(MIB * 1024 * 1024));
const files = [
  // Random data: the padding is checked, the content cannot be recognised.
  ['OpenSSL', opensslEncrypt(dir, 'large.sql.encrypted', data, 'pw'), /OpenSSL format has no integrity check/],
  ['AES Crypt v2', pyAesCryptEncrypt(dir, 'large.zip.encrypted', data, 'pw'), /verified \(HMAC\)/],
];
const want = digest(data);

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  // The page asks for nothing, and nothing fails, over every test of the suite.
  after(() => finish(ctx));

  for (const [name, path, integrity] of files) {
    test(`${name}, ${MIB} MiB: decrypts byte-exact`, async (t) => {
      const n = await ctx.add(path);
      let status;
      const t0 = Date.now();
      const peak = await ctx.peakMemory(async () => {
        status = await decrypt(ctx, n, 'pw', { timeout: 15 * 60000 });
      });
      const seconds = (Date.now() - t0) / 1000;
      assert.match(status, integrity);
      const line = `[${engine}] ${name} ${MIB} MiB: ${(MIB * 1.048576 / seconds).toFixed(0)} MB/s end to end, ` +
        `content process peak RSS ${(peak / 1048576).toFixed(0)} MiB`;
      t.diagnostic(line);
      console.log(line);
      assert.equal(await save(ctx, n), want);
    });
  }
});
