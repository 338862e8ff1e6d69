// From a static web server (http://127.0.0.1) instead of file://, where the File
// System Access API's storage works: the output streams into a picked file
// (showSaveFilePicker answered with an origin-private file, as a headless browser
// cannot show the dialog), byte-exact; a failed decryption leaves no file behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { workdir, pyAesCryptEncrypt, PAGE, sha256, openPage, card } from './lib.mjs';

const dir = workdir();
const data = randomBytes(6 * 1024 * 1024 + 5);
const good = pyAesCryptEncrypt(dir, 'files.zip.encrypted', data, 'pw');
const damaged = `${good}.damaged`;
{
  const b = Buffer.from(readFileSync(good));
  b[b.length - 100] ^= 1;
  (await import('node:fs')).writeFileSync(damaged, b);
}

let server;
let ctx;
let served = 0;
before(async () => {
  const html = readFileSync(PAGE);
  server = createServer((req, res) => {
    served++;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  ctx = await openPage({ url: `http://127.0.0.1:${server.address().port}/backupcrypt.html`, removeSavePicker: false });
  await ctx.page.evaluate(() => {
    window.showSaveFilePicker = async ({ suggestedName }) => {
      window.picked = suggestedName;
      const root = await navigator.storage.getDirectory();
      return root.getFileHandle(suggestedName, { create: true });
    };
  });
});
after(async () => {
  assert.deepEqual(ctx.requests, [], 'no request after load');
  assert.equal(served, 1, 'the server saw only the page load');
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
  server.close();
});

async function run(n, path) {
  const { page } = ctx;
  await page.setInputFiles('#files', [path]);
  const c = card(page, n);
  await c.locator('.status').filter({ hasText: 'Ready' }).waitFor();
  await c.getByLabel(/^Password for/).fill('pw');
  await c.getByRole('button', { name: 'Decrypt' }).click();
  await c.locator('.status.ok, .status.bad').waitFor({ timeout: 60000 });
  return (await c.locator('.status').textContent()).trim();
}

const opfs = (name) => ctx.page.evaluate(async (name) => {
  const root = await navigator.storage.getDirectory();
  try {
    const f = await (await root.getFileHandle(name)).getFile();
    const d = await crypto.subtle.digest('SHA-256', await f.arrayBuffer());
    return [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, '0')).join('');
  } catch (e) {
    return e.name;
  }
}, name);

test('File System Access: the plaintext streams into the picked file', async () => {
  assert.match(await run(0, good), /verified \(HMAC\)/);
  assert.equal(await ctx.page.evaluate(() => window.picked), 'files.zip');
  assert.match(await card(ctx.page, 0).locator('.result').textContent(), /Saved as files\.zip/);
  assert.equal(await opfs('files.zip'), sha256(data));
});

test('File System Access: a damaged file leaves nothing at the destination', async () => {
  const status = await run(1, damaged);
  assert.match(status, /^The file is damaged/);
  assert.match(status, /The empty files\.zip\.encrypted\.damaged\.decrypted was removed\.$/, 'and says so');
  assert.equal(await ctx.page.evaluate(() => window.picked), 'files.zip.encrypted.damaged.decrypted');
  assert.equal(await opfs('files.zip.encrypted.damaged.decrypted'), 'NotFoundError');
});
