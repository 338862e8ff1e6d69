// The built page, end to end, in Debian's chromium from file://: real files from
// the real tools decrypt byte-exact; bad input gets its message; keyboard-only use
// works; nothing is ever requested from the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  workdir, opensslEncrypt, pyAesCryptEncrypt, aesCryptV3Encrypt, OFFICIAL_V3, sqlDump, sha256,
  openPage, card, decrypt, save, infoText,
} from './lib.mjs';

const dir = workdir();
const PASSWORD = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5PQ=';
// Sizes around the wasm engine's 1 MiB chunks (pipeline.test.mjs crosses the fast
// path's 16 MiB chunks).
const sql = sqlDump(9 * 1024 * 1024 + 7);
const zipLike = Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(5 * 1024 * 1024 + 12)]);
const small = Buffer.from('unicode ✓ and a short line\n');
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

let ctx;
before(async () => { ctx = await openPage(); });
after(async () => {
  // Recorded over every test in this file: the page never asks for anything.
  assert.deepEqual(ctx.requests, [], 'the page made network requests');
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
});

let added = 0;
async function add(...paths) {
  await ctx.page.setInputFiles('#files', paths);
  const first = added;
  added += paths.length;
  return first;
}

for (const [name, label] of [
  ['openssl', 'OpenSSL enc'], ['opensslMd5', 'OpenSSL enc'], ['opensslBase64', 'OpenSSL enc (base64)'],
  ['opensslBlock', 'OpenSSL enc'], ['v2', 'AES Crypt, version 2'], ['v2small', 'AES Crypt, version 2'],
  ['v2empty', 'AES Crypt, version 2'], ['v3', 'AES Crypt, version 3'],
]) {
  test(`${name}: shows the format, decrypts, and the saved bytes are exact`, async () => {
    const n = await add(f[name]);
    const c = card(ctx.page, n);
    assert.match(await infoText(ctx.page, n), new RegExp(label.replace(/[()]/g, '\\$&')));
    const status = await decrypt(ctx.page, n, name === 'v2small' ? 'pässwörd-日本' : PASSWORD);
    if (name.startsWith('v')) assert.match(status, /Integrity: verified \(HMAC\)/);
    else assert.match(status, /OpenSSL format has no integrity check: padding and content look right/);
    assert.equal(await c.getByLabel(/^Password for/).inputValue(), '', 'the password field is cleared');
    const bytes = await save(ctx.page, n);
    assert.equal(sha256(bytes), sha256(expected[name]));
  });
}

test('the name says what is inside: date from the name, suggested output name', async () => {
  const n = await add(f.openssl, f.v2);
  const info = await infoText(ctx.page, n);
  assert.match(info, /Will be saved as2022-09-27--13-00-01\.sql/);
  assert.match(info, /Backup date2022-09-27T13:00:01Z \(database backup\)/);
  const info2 = await infoText(ctx.page, n + 1);
  assert.match(info2, /Created bypyAesCrypt 6\.0\.0/);
  assert.match(info2, /Backup date2022-10-01T00:00:05Z \(files backup, part 1\)/);
});

test('the official aescrypt v3 file (FORMATS.md 6.4) decrypts', async () => {
  const n = await add(official);
  assert.match(await infoText(ctx.page, n), /PBKDF2-HMAC-SHA512, 1000 iterations/);
  assert.match(await decrypt(ctx.page, n, 'apples'), /verified \(HMAC\)/);
  assert.equal((await save(ctx.page, n)).toString(), 'Hello, World!');
});

test('a wrong password is reported at once, before any bulk work', async () => {
  const n = await add(f.v2, f.openssl);
  for (const i of [n, n + 1]) {
    const t = Date.now();
    const status = await decrypt(ctx.page, i, 'not the password');
    const ms = Date.now() - t;
    assert.match(status, /^Wrong password/);
    assert.ok(ms < 1500, `took ${ms} ms`);
    assert.equal(await card(ctx.page, i).locator('a.save').count(), 0);
    // Focus goes back to the field for another try, and a retry works.
    assert.equal(await ctx.page.evaluate(() => document.activeElement.type), 'password');
  }
  assert.match(await decrypt(ctx.page, n, PASSWORD), /verified/);
});

test('damaged, truncated and not-encrypted files get their own messages', async () => {
  const n = await add(damaged, truncated, plain);
  assert.match(await decrypt(ctx.page, n, PASSWORD), /^The file is damaged.*HMAC/);
  assert.equal(await card(ctx.page, n).locator('a.save').count(), 0, 'nothing offered for saving');
  assert.match(await decrypt(ctx.page, n + 1, PASSWORD), /^The file is truncated/);
  const c = card(ctx.page, n + 2);
  await c.locator('.status.bad').waitFor();
  assert.match(await c.locator('.status').textContent(), /not an encrypted backup/);
  assert.ok(await c.getByRole('button', { name: 'Decrypt' }).isDisabled());
});

test('keyboard only: password, show/hide, Enter to decrypt, Enter to save', async () => {
  const { page } = ctx;
  const n = await add(f.v3);
  const c = card(page, n);
  await c.locator('.status').filter({ hasText: 'Ready' }).waitFor();
  await page.focus('#files');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.type), 'password');
  // Tab order through the cards until this one's field.
  const field = await c.getByLabel(/^Password for/).getAttribute('id');
  for (let i = 0; i < 500 && !(await page.evaluate((id) => document.activeElement.id === id, field)); i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), field);
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await c.getByLabel(/^Password for/).getAttribute('type'), 'text');
  assert.equal(await c.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await c.locator('.status.ok').waitFor();
  // The Save link takes the focus; Enter downloads.
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(sha256(readFileSync(await download.path())), sha256(expected.v3));
  // The announcement is set 50 ms after the result (so screen readers notice it):
  // wait for it rather than race it.
  await page.locator('#announce').filter({ hasText: /Integrity: verified/ }).waitFor({ timeout: 5000 });
});

test('readable at 200% zoom: nothing needs horizontal scrolling at 640 CSS px', async () => {
  const { page } = ctx;
  await page.setViewportSize({ width: 640, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${overflow}px of horizontal overflow`);
  // Progress was reported with a rate, and every control has an accessible name.
  assert.match(await card(page, 0).locator('.rate').textContent(), /in [\d.]+ s \(\d+ MB\/s\)/);
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, button, a[href]')]
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
    .map((e) => e.outerHTML));
  assert.deepEqual(unnamed, []);
});
