// The WebCrypto fast path over several of the worker's 16 MiB chunks, in each engine:
// byte-exact output for both ways wasm follows the chunks (AES Crypt: whole chunks
// through the HMAC; OpenSSL: only their last blocks), damage in a middle chunk reported with nothing offered,
// and Cancel in the middle of a run, after which the same card decrypts again; and
// the same without decrypt workers (browsers without nested workers), driving the
// page's worker directly, as the page does (answering its requests for bytes).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, sqlDump, digest, eachEngine, finish, openPage, decrypt, save } from './lib.mjs';

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

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  // The page asks for nothing, and nothing fails, over every test of the suite.
  after(() => finish(ctx));

  for (const [name, path, bytes, integrity] of [
    // The library's content check sees every chunk: the dump's footer is found.
    ['OpenSSL', openssl, sql, /^Done: ok\. padding valid; PostgreSQL dump, complete\.$/],
    // A ZIP's start with random bytes after it: no end record, said as `verify` says it.
    ['AES Crypt v2', v2, zipLike, /^Done: damaged\. HMAC verified; ZIP archive without a valid end record/],
  ]) {
    test(`${name} over three chunks decrypts byte-exact`, async () => {
      const n = await ctx.add(path);
      assert.match(await decrypt(ctx, n, 'pw', { timeout: 120000 }), integrity);
      assert.equal(await save(ctx, n), digest(bytes));
    });
  }

  test('damage in the second chunk: "damaged", nothing offered', async () => {
    const n = await ctx.add(damaged);
    assert.match(await decrypt(ctx, n, 'pw', { timeout: 120000 }), /^The file is damaged.*HMAC/);
    assert.equal(await ctx.count(n, 'a.save'), 0);
  });

  test('Cancel stops the fast path; the card then decrypts again', async () => {
    const n = await ctx.add(huge);
    await ctx.ready(n);
    await ctx.fill(n, 'pw');
    await ctx.click(n, 'Decrypt');
    await ctx.waitFor((t, n) => !t.button(n, 'Cancel').disabled, [n], { what: 'Cancel enabled' });
    await ctx.click(n, 'Cancel');
    assert.match(await ctx.outcome(n, 120000), /^Cancelled\. Nothing was saved\./);
    assert.equal(await ctx.count(n, 'a.save'), 0);
    // 24 copies of the dump's first 16 MiB: no footer at the end.
    assert.match(await decrypt(ctx, n, 'pw', { timeout: 120000 }), /^Done: damaged\. padding valid; PostgreSQL dump without its/);
    assert.equal(await ctx.count(n, 'a.save'), 1);
    // The output is not needed: free it.
    await ctx.run((t, n) => { URL.revokeObjectURL(t.card(n).querySelector('a.save').href); return true; }, n);
  });

  test('without decrypt workers, the page\'s worker decrypts the chunks itself', async () => {
    await ctx.run(() => {
      const earlier = document.getElementById('direct'); // An earlier repetition's input.
      if (earlier) earlier.remove();
      const i = document.createElement('input');
      i.type = 'file';
      i.id = 'direct';
      i.multiple = true;
      document.body.append(i);
      return true;
    });
    await ctx.browser.setFiles('#direct', [openssl, v2]);
    await ctx.waitFor(() => document.getElementById('direct').files.length === 2);
    const hashes = await ctx.run(async (t) => {
      const src = document.getElementById('worker-source').textContent;
      const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      const out = [];
      for (const [id, file] of [...document.getElementById('direct').files].entries()) {
        const done = await new Promise((resolve, reject) => {
          w.onmessage = async (e) => {
            const m = e.data;
            if (m.op === 'read') {
              const data = await m.file.slice(m.start, m.end).arrayBuffer();
              w.postMessage({ op: 'bytes', req: m.req, data }, [data]);
            } else if (m.op === 'opened') w.postMessage({ op: 'run', id, tuning: { workers: 0 } });
            else if (m.op === 'done') resolve(m);
            else if (m.op === 'error') reject(new Error(m.message));
          };
          const pw = new TextEncoder().encode('pw');
          w.postMessage({ op: 'open', id, file, password: pw.buffer }, [pw.buffer]);
        });
        out.push([await t.digest(done.blob), done.verdict]);
      }
      w.terminate();
      return out;
    });
    // The content check is fed here too: the same verdicts as with decrypt workers.
    assert.deepEqual(hashes, [[digest(sql), 'ok'], [digest(zipLike), 'damaged']]);
  });
});
