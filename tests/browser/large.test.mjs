// Large files in each engine: a 1 GiB OpenSSL file and a 1 GiB AES Crypt v2 file
// (pyAesCrypt 6.0.0) decrypt byte-exact, one after the other in the same page, the way
// a user of that engine saves them:
// - where the browser has a save dialog (Chromium), the plaintext streams into the
//   picked file (here an origin-private file, so the page comes from a static host);
// - elsewhere (Firefox, WebKit) from file://, held in the tab until it is saved.
// (Chromium's in-memory path is not this test's: from about 700 MiB its blob store
// loses the output, which the page then reports; see www/README.md.)
// Reported, not asserted (performance is the benchmark's): the rate, and the peak
// resident memory of the engine's content (renderer) process while each runs.
// `LARGE_MIB` sets the size (default 1024).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import {
  workdir, opensslEncrypt, pyAesCryptEncrypt, digest, eachEngine, finish, openPage, decrypt, save,
  servePage, ANSWER_SAVE_PICKER, PRIVATE_FILE_DIGEST,
} from './lib.mjs';

const MIB = Number(process.env.LARGE_MIB || 1024);
const dir = workdir();
const data = randomFillSync(Buffer.allocUnsafe(MIB * 1024 * 1024));
const files = [
  // Random data: the padding is checked, the content is random (what `verify` says
  // of it; the plaintext is offered all the same).
  ['OpenSSL', opensslEncrypt(dir, 'large.sql.encrypted', data, 'pw'), /^Done: wrong password\. padding valid but the content is random/],
  ['AES Crypt v2', pyAesCryptEncrypt(dir, 'large.zip.encrypted', data, 'pw'), /^Done: ok\. HMAC verified/],
];
const want = digest(data);

eachEngine((engine, test) => {
  let ctx;
  let server = null;
  before(async () => {
    ctx = await openPage(engine, { removeSavePicker: false });
    if (await ctx.run(() => typeof window.showSaveFilePicker === 'function')) {
      await ctx.close();
      server = await servePage();
      ctx = await openPage(engine, { url: server.url, removeSavePicker: false });
      await ctx.run(ANSWER_SAVE_PICKER);
    } else {
      await ctx.close();
      ctx = await openPage(engine);
    }
  });
  // The page asks for nothing, and nothing fails, over every test of the suite.
  after(async () => {
    await finish(ctx);
    if (server) await server.close();
  });

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
      if (server) {
        assert.match(await ctx.text(n, '.result'), /^Saved as /);
        assert.equal(await ctx.run(PRIVATE_FILE_DIGEST, await ctx.run(() => window.picked)), want);
      } else {
        assert.equal(await save(ctx, n), want);
      }
    });
  }
});
