// From a static web server (http://127.0.0.1) instead of file://, in each engine: the
// output streams into a picked file (showSaveFilePicker answered with an
// origin-private file, as a headless browser cannot show the dialog), byte-exact; a
// failed decryption leaves nothing at the destination. Where the engine cannot write
// such a file (no origin-private storage, or no createWritable: WebKit), the page
// falls back to its Save link, byte-exact, and offers nothing for a damaged file.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { workdir, pyAesCryptEncrypt, sha256, digest, eachEngine, finish, openPage, save, servePage, ANSWER_SAVE_PICKER, WRITE_CAPABILITY } from './lib.mjs';

const dir = workdir();
const data = randomBytes(6 * 1024 * 1024 + 5);
const good = pyAesCryptEncrypt(dir, 'files.zip.encrypted', data, 'pw');
const damaged = `${good}.damaged`;
{
  const b = Buffer.from(readFileSync(good));
  b[b.length - 100] ^= 1;
  writeFileSync(damaged, b);
}

eachEngine((engine, test) => {
  let server;
  let ctx;
  let served = [];
  let writable;
  before(async () => {
    server = await servePage();
    served = server.served;
    ctx = await openPage(engine, { url: server.url, removeSavePicker: false });
    await ctx.run(ANSWER_SAVE_PICKER);
    // What this engine offers the page (its own probe, not the page's).
    writable = (await ctx.run(WRITE_CAPABILITY)).writable;
  });
  after(async () => {
    await server.close();
    // Firefox asks for the site's icon over http://, and the page's policy blocks it
    // (reported as an error): the browser's request, not the page's.
    await finish(ctx, { ignore: /img-src\) at http:\/\/127\.0\.0\.1:\d+\/favicon\.ico /i });
    // The browser itself may ask for a site icon; the page asks for nothing.
    assert.deepEqual(served.filter((u) => u !== '/favicon.ico'), ['/backupcrypt.html'], 'the server saw only the page load');
  });

  async function run(path) {
    const n = await ctx.add(path);
    await ctx.ready(n);
    await ctx.fill(n, 'pw');
    await ctx.click(n, 'Decrypt');
    return [n, await ctx.outcome(n)];
  }

  const opfs = (name) => ctx.run(async (t, name) => {
    try {
      const root = await navigator.storage.getDirectory();
      const f = await (await root.getFileHandle(name)).getFile();
      const d = await crypto.subtle.digest('SHA-256', await f.arrayBuffer());
      await root.removeEntry(name);
      return [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, '0')).join('');
    } catch (e) {
      return e.name;
    }
  }, name);

  test('File System Access: the plaintext streams into the picked file', async () => {
    const [n, status] = await run(good);
    assert.match(status, /^Done: ok\. HMAC verified/);
    if (writable) {
      assert.equal(await ctx.run(() => window.picked), 'files.zip');
      assert.match(await ctx.text(n, '.result'), /Saved as files\.zip/);
      assert.equal(await opfs('files.zip'), sha256(data));
    } else {
      assert.match(await ctx.text(n, '.result'), /Save files\.zip/);
      assert.equal(await save(ctx, n), digest(data));
    }
  });

  test('File System Access: a damaged file leaves nothing at the destination', async () => {
    const [n, status] = await run(damaged);
    assert.match(status, /^The file is damaged/);
    assert.equal(await ctx.count(n, 'a.save'), 0);
    if (writable) {
      assert.equal(await ctx.run(() => window.picked), 'files.zip.encrypted.damaged.decrypted');
      // Removed where the engine can (Chromium), else emptied; the card says which.
      assert.match(status, /(The empty files\.zip\.encrypted\.damaged\.decrypted was removed|files\.zip\.encrypted\.damaged\.decrypted was left empty: delete it)\.$/,
        'and says so');
      const left = await opfs('files.zip.encrypted.damaged.decrypted');
      assert.ok(['NotFoundError', sha256(Buffer.alloc(0))].includes(left), left);
    }
  });
});
