// The first decryptions in a page just opened, in a browser just started: the moment
// the page's worker starts its helper workers (decrypt workers, the storage writer).
// A worker that started workers of its own froze there in Firefox, now and then (about
// one fresh page in 50 on a loaded machine), so each repetition (`REPEAT=N`) starts a
// fresh browser: `REPEAT=50 BROWSERS=firefox` hunts that hang.
import assert from 'node:assert/strict';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, sqlDump, digest, eachEngine, finish, openPage, decrypt, save } from './lib.mjs';

const dir = workdir();
// Two chunks of the fast path and a bit: the decrypt workers and the writer both work.
const dump = sqlDump(20 * 1024 * 1024 + 11);
const files = [opensslEncrypt(dir, 'db.sql.enc', dump, 'pw'), pyAesCryptEncrypt(dir, 'files.sql.aes', dump, 'pw')];

eachEngine((engine, test) => {
  test('a fresh page decrypts its first files (OpenSSL, then AES Crypt v2)', async () => {
    const ctx = await openPage(engine);
    try {
      const first = await ctx.add(...files);
      assert.equal(await decrypt(ctx, first, 'pw'), 'Done: ok. padding valid; PostgreSQL dump, complete.');
      assert.equal(await decrypt(ctx, first + 1, 'pw'), 'Done: ok. HMAC verified; PostgreSQL dump, complete.');
      assert.equal(await save(ctx, first + 1), digest(dump));
    } finally {
      await finish(ctx);
    }
  });
});
