// A step of a decryption that never finishes becomes an error on the card, with the
// step named, instead of a spinner that never ends; the same card then decrypts again.
// And a page's worker that stops answering altogether (its own watchdog cannot fire
// then: seen in Firefox) is replaced by the page, and the waiting card told.
// `#stall-ms=3000` lowers the page worker's watchdog from 60 s to 3 s. The stuck step
// is played by the page's reads of the file (main thread): those of the bulk never
// answer, while the header's (64 KiB and the last 64 bytes) do.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, digest, eachEngine, finish, openPage, decrypt, save } from './lib.mjs';

const dir = workdir();
const data = randomBytes(3 * 1024 * 1024 + 5);
const files = {
  OpenSSL: [opensslEncrypt(dir, 'stuck.sql.encrypted', data, 'pw'), /^Done: [a-z ]+\. padding valid/],
  'AES Crypt v2': [pyAesCryptEncrypt(dir, 'stuck.zip.encrypted', data, 'pw'), /^Done: [a-z ]+\. HMAC verified/],
};

// Reads of more than the header's 64 KiB never settle until `t.unstick()`.
const STICK = (t) => {
  const read = Blob.prototype.arrayBuffer;
  t.unstick = () => { Blob.prototype.arrayBuffer = read; return true; };
  Blob.prototype.arrayBuffer = function () { return this.size > 65536 ? new Promise(() => {}) : read.call(this); };
  return true;
};

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine, { hash: `#stall-ms=3000${process.env.WD_HASH || ''}` }); });
  after(() => finish(ctx));

  for (const [name, [path, integrity]] of Object.entries(files)) {
    test(`${name}: a read that never answers fails the card with the step named; it then decrypts`, async () => {
      const n = await ctx.add(path);
      await ctx.ready(n);
      await ctx.run(STICK);
      try {
        const status = await decrypt(ctx, n, 'pw', { timeout: 30000 });
        assert.match(status, /^The decryption stopped: one of its steps did not finish\. Nothing was saved\. \(.*(the page did not hand over the file's bytes|last step: read \(wait\)).* in 3 s\)$/);
        assert.equal(await ctx.count(n, 'a.save'), 0, 'nothing offered for saving');
        assert.equal(await ctx.isDisabled(n, 'Decrypt'), false, 'Decrypt offered again');
      } finally {
        await ctx.run((t) => t.unstick());
      }
      assert.match(await decrypt(ctx, n, 'pw', { timeout: 60000 }), integrity);
      assert.equal(await save(ctx, n), digest(data));
    });
  }

  test('a worker that stops answering is replaced, the card told; it then decrypts', async () => {
    const [path, integrity] = files['AES Crypt v2'];
    const n = await ctx.add(path);
    await ctx.ready(n);
    // Played by the page's messages to its worker (pings included) going nowhere.
    await ctx.run((t) => {
      const send = Worker.prototype.postMessage;
      t.reconnect = () => { Worker.prototype.postMessage = send; return true; };
      Worker.prototype.postMessage = function () {};
      return true;
    });
    try {
      const status = await decrypt(ctx, n, 'pw', { timeout: 60000 });
      assert.match(status, /^The decryption stopped: one of its steps did not finish\. Nothing was saved\. \(the page's worker stopped answering for 20 s; it was restarted: try again\)$/);
    } finally {
      await ctx.run((t) => t.reconnect());
    }
    assert.match(await decrypt(ctx, n, 'pw', { timeout: 60000 }), integrity);
    assert.equal(await save(ctx, n), digest(data));
  });
});
