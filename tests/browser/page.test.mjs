// The built page, end to end, in each engine from file://: real files from the real
// tools decrypt byte-exact; bad input gets its message; keyboard-only use works;
// nothing is ever requested from the network.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  workdir, opensslEncrypt, pyAesCryptEncrypt, aesCryptV3Encrypt, OFFICIAL_V3, sqlDump, digest,
  eachEngine, finish, openPage, decrypt, save, infoText,
} from './lib.mjs';

const dir = workdir();
const PASSWORD = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5PQ=';
// Sizes around the wasm engine's 1 MiB chunks (pipeline.test.mjs crosses the fast
// path's 16 MiB chunks).
const sql = sqlDump(9 * 1024 * 1024 + 7);
const zipLike = Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(5 * 1024 * 1024 + 12)]);
const small = Buffer.from('unicode ✓ and a short line\n');
// What the card says once done: the library's verdict, in `backupcrypt verify`'s
// words. The dump's slices lack its footer: the content check says so.
const CUT = /^Done: damaged\. padding valid; PostgreSQL dump without its `-- PostgreSQL database dump complete` footer/;
const VERDICT = {
  openssl: /^Done: ok\. padding valid; PostgreSQL dump, complete\.$/,
  opensslMd5: CUT,
  opensslBase64: CUT,
  opensslBlock: CUT,
  v2: /^Done: damaged\. HMAC verified; ZIP archive without a valid end record/,
  v2small: /^Done: ok\. HMAC verified; content: text\.$/,
  v2empty: /^Done: ok\. HMAC verified; content: not recognised\.$/,
  v3: /^Done: damaged\. HMAC verified; PostgreSQL dump without its/,
};
const f = {
  openssl: opensslEncrypt(dir, '2022-09-27--13-00-01.sql.encrypted', sql, PASSWORD),
  opensslMd5: opensslEncrypt(dir, 'legacy-md5.sql.encrypted', sql.subarray(0, 70000), PASSWORD, ['-md', 'md5']),
  opensslBase64: opensslEncrypt(dir, 'armoured.sql.enc', sql.subarray(0, 100001), PASSWORD, ['-pbkdf2', '-a']),
  opensslBlock: opensslEncrypt(dir, 'exact-block.enc', sql.subarray(0, 4 * 1024 * 1024), PASSWORD),
  v2: pyAesCryptEncrypt(dir, '2022-10-01--00-00-05--part-1.zip.encrypted', zipLike, PASSWORD),
  v2small: pyAesCryptEncrypt(dir, 'small.txt.aes', small, 'pässwörd-日本'),
  v2empty: pyAesCryptEncrypt(dir, 'empty.aes', Buffer.alloc(0), PASSWORD),
  v3: aesCryptV3Encrypt(dir, 'v3.sql.aes', sql.subarray(0, 4 * 1024 * 1024 + 33), PASSWORD),
};
const official = join(dir, 'hello.txt.aes');
writeFileSync(official, OFFICIAL_V3);
const expected = {
  openssl: sql, opensslMd5: sql.subarray(0, 70000), opensslBase64: sql.subarray(0, 100001),
  opensslBlock: sql.subarray(0, 4 * 1024 * 1024), v2: zipLike, v2small: small, v2empty: Buffer.alloc(0),
  v3: sql.subarray(0, 4 * 1024 * 1024 + 33),
};
const damaged = join(dir, 'damaged.zip.encrypted');
{
  const b = Buffer.from(readFileSync(f.v2));
  b[Math.floor(b.length / 2)] ^= 0x01;
  writeFileSync(damaged, b);
}
const truncated = join(dir, 'truncated.sql.encrypted');
writeFileSync(truncated, readFileSync(f.openssl).subarray(0, 100000 + 5));
const plain = join(dir, 'notes.txt');
writeFileSync(plain, 'just some text, not encrypted at all\n');

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  // The page asks for nothing, and nothing fails, over every test of the suite.
  after(() => finish(ctx));

  for (const [name, label] of [
    ['openssl', 'OpenSSL enc'], ['opensslMd5', 'OpenSSL enc'], ['opensslBase64', 'OpenSSL enc (base64)'],
    ['opensslBlock', 'OpenSSL enc'], ['v2', 'AES Crypt, version 2'], ['v2small', 'AES Crypt, version 2'],
    ['v2empty', 'AES Crypt, version 2'], ['v3', 'AES Crypt, version 3'],
  ]) {
    test(`${name}: shows the format, decrypts, and the saved bytes are exact`, async () => {
      const n = await ctx.add(f[name]);
      assert.match(await infoText(ctx, n), new RegExp(label.replace(/[()]/g, '\\$&')));
      const status = await decrypt(ctx, n, name === 'v2small' ? 'pässwörd-日本' : PASSWORD);
      assert.match(status, VERDICT[name]);
      assert.equal(await ctx.value(n, 'input[id$="-pass"]'), '', 'the password field is cleared');
      assert.equal(await save(ctx, n), digest(expected[name]));
    });
  }

  test('the name says what is inside: date from the name, suggested output name', async () => {
    const n = await ctx.add(f.openssl, f.v2);
    const info = await infoText(ctx, n);
    assert.match(info, /Will be saved as2022-09-27--13-00-01\.sql/);
    assert.match(info, /Backup date2022-09-27T13:00:01Z \(database backup\)/);
    const info2 = await infoText(ctx, n + 1);
    assert.match(info2, /Created bypyAesCrypt 6\.0\.0/);
    assert.match(info2, /Backup date2022-10-01T00:00:05Z \(files backup, part 1\)/);
  });

  test('the official aescrypt v3 file (FORMATS.md 6.4) decrypts', async () => {
    const n = await ctx.add(official);
    assert.match(await infoText(ctx, n), /PBKDF2-HMAC-SHA512, 1000 iterations/);
    assert.match(await decrypt(ctx, n, 'apples'), /^Done: ok\. HMAC verified; content: text\.$/);
    assert.equal(await save(ctx, n), digest(Buffer.from('Hello, World!')));
  });

  test('a wrong password is reported at once, before any bulk work', async () => {
    const n = await ctx.add(f.v2, f.openssl);
    for (const i of [n, n + 1]) {
      const t = Date.now();
      const status = await decrypt(ctx, i, 'not the password');
      const ms = Date.now() - t;
      assert.match(status, /^Wrong password/);
      // Generous: the slowest driver's round trips are in this time too.
      assert.ok(ms < 3000, `took ${ms} ms`);
      assert.equal(await ctx.count(i, 'a.save'), 0);
      // Focus goes back to the field for another try, and a retry works.
      assert.equal(await ctx.run(() => document.activeElement.type), 'password');
    }
    assert.match(await decrypt(ctx, n, PASSWORD), /verified/);
  });

  test('damaged, truncated and not-encrypted files get their own messages', async () => {
    const n = await ctx.add(damaged, truncated, plain);
    assert.match(await decrypt(ctx, n, PASSWORD), /^The file is damaged.*HMAC/);
    assert.equal(await ctx.count(n, 'a.save'), 0, 'nothing offered for saving');
    assert.match(await decrypt(ctx, n + 1, PASSWORD), /^The file is truncated/);
    assert.match(await ctx.outcome(n + 2), /not an encrypted backup/);
    assert.ok(await ctx.isDisabled(n + 2, 'Decrypt'));
  });

  test('an output the browser could not keep is reported, and no Save link is offered', async () => {
    // What Chromium's blob store does to a large in-memory output when it runs out:
    // every read of it fails. Played here by failing the reads of Blobs of this size.
    await ctx.run((t) => {
      const read = Blob.prototype.arrayBuffer;
      t.restore = () => { Blob.prototype.arrayBuffer = read; return true; };
      Blob.prototype.arrayBuffer = function () {
        return this.size === 1 ? Promise.reject(new DOMException('lost', 'NotReadableError')) : read.call(this);
      };
      return true;
    });
    try {
      const n = await ctx.add(f.v2small);
      assert.match(await decrypt(ctx, n, 'pässwörd-日本'), /^The browser could not keep the decrypted file in its memory/);
      assert.equal(await ctx.count(n, 'a.save'), 0, 'nothing offered for saving');
    } finally {
      await ctx.run((t) => t.restore());
    }
  });

  test('keyboard only: password, show/hide, Enter to decrypt, Enter to save', async () => {
    const n = await ctx.add(f.v3);
    await ctx.ready(n);
    await ctx.run(() => document.getElementById('files').focus());
    await ctx.browser.press('Tab');
    assert.equal(await ctx.run(() => document.activeElement.type), 'password');
    // Tab order around this card's field: Shift+Tab leaves it, Tab comes back.
    const field = await ctx.run((t, n) => {
      const f = t.card(n).querySelector('input[id$="-pass"]');
      f.focus();
      return f.id;
    }, n);
    await ctx.browser.press('Shift+Tab');
    assert.notEqual(await ctx.run(() => document.activeElement.id), field);
    await ctx.browser.press('Tab');
    assert.equal(await ctx.run(() => document.activeElement.id), field);
    await ctx.browser.type(PASSWORD);
    await ctx.browser.press('Tab');
    await ctx.activate();
    assert.equal(await ctx.run((t, n) => t.card(n).querySelector('input[id$="-pass"]').type, n), 'text');
    assert.equal(await ctx.run((t, n) => t.button(n, 'Hide').getAttribute('aria-pressed'), n), 'true');
    await ctx.browser.press('Shift+Tab');
    await ctx.browser.press('Enter');  // In the field: submits the form.
    assert.match(await ctx.outcome(n), /HMAC verified/);
    // The Save link takes the focus; Enter saves.
    await ctx.waitFor(() => document.activeElement.matches('a.save'), [], { what: 'the Save link focused' });
    const saved = await ctx.download(() => ctx.activate());
    assert.equal(saved.digest, digest(expected.v3));
    // The announcement is set 50 ms after the result (so screen readers notice it):
    // wait for it rather than race it.
    await ctx.waitFor(() => /HMAC verified/.test(document.getElementById('announce').textContent), [],
      { timeout: 5000, what: 'the announcement' });
  });

  test('readable at 200% zoom: nothing needs horizontal scrolling at 640 CSS px', async () => {
    await ctx.browser.viewport(640, 900);
    const overflow = await ctx.run(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${overflow}px of horizontal overflow`);
    // Progress was reported with a rate, and every control has an accessible name.
    assert.match(await ctx.text(0, '.rate'), /in [\d.]+ s \(\d+ MB\/s\)/);
    const unnamed = await ctx.run(() => [...document.querySelectorAll('input, button, a[href]')]
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
      .map((e) => e.outerHTML));
    assert.deepEqual(unnamed, []);
  });
});
