// Whatever the CLI can open, the page can open: files made by `openssl enc` with
// options outside the presets the page tries (-iter, -md sha512, -aes-128-cbc, CTR,
// -nosalt, an explicit -S salt, the legacy key derivation with SHA-1) open through the
// "OpenSSL options" disclosure; bad choices get the library's sentence; an AES Crypt
// key file (UTF-16LE with a byte-order mark, as AES Crypt's key generator writes it)
// opens a file in place of the password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  workdir, python, opensslEncrypt, pyAesCryptEncrypt, sha256, openPage, card, save,
} from './playwright-lib.mjs';

const dir = workdir();
const PASSWORD = 'options-pw';
// Fixed content, not random: every run makes the same files, so a wrong preset's final
// padding is tried against the same bytes each time (it fails for these; with random
// content one of the presets would pass it about 3 runs in 256 and "decrypt" garbage).
const data = Buffer.from(`--\n-- PostgreSQL database dump\n--\n\n${Array.from({ length: 6000 },
  (_, i) => `INSERT INTO public.reports VALUES (${i}, 'row ${i}');\n`).join('')}`);
const SALT = '0123456789abcdef';
const files = {
  // Each with the options the page must be given (CLI names), as `openssl enc` made it.
  iter: [opensslEncrypt(dir, 'iter.sql.enc', data, PASSWORD, ['-aes-128-cbc', '-pbkdf2', '-iter', '600000', '-md', 'sha512']),
    { cipher: 'aes-128-cbc', md: 'sha512', iter: '600000' }],
  ctr: [opensslEncrypt(dir, 'ctr.sql.enc', data, PASSWORD, ['-aes-192-ctr', '-pbkdf2']), { cipher: 'aes-192-ctr' }],
  legacy: [opensslEncrypt(dir, 'legacy.sql.enc', data, PASSWORD, ['-md', 'sha1']), { md: 'sha1', legacyKdf: true }],
  nosalt: [opensslEncrypt(dir, 'nosalt.sql.enc', data, PASSWORD, ['-pbkdf2', '-nosalt']), { nosalt: true }],
  salt: [opensslEncrypt(dir, 'salt.sql.enc', data, PASSWORD, ['-pbkdf2', '-S', SALT]), { salt: SALT }],
};

let ctx;
before(async () => { ctx = await openPage(); });
after(async () => {
  assert.deepEqual(ctx.requests, []);
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
});

let added = 0;
async function add(path) {
  await ctx.page.setInputFiles('#files', [path]);
  const c = card(ctx.page, added++);
  await c.locator('.info dt').first().waitFor();
  return c;
}

/** Opens card `c`'s disclosure and sets the options (CLI names, as the user picks them). */
async function choose(c, options) {
  await c.locator('summary', { hasText: 'OpenSSL options' }).click();
  if (options.cipher) await c.getByLabel(/^Cipher/).selectOption(options.cipher);
  if (options.md) await c.getByLabel(/^Digest/).selectOption(options.md);
  if (options.iter) await c.getByLabel(/^Iterations/).fill(options.iter);
  if (options.legacyKdf) await c.getByLabel(/^Legacy key derivation/).check();
  if (options.nosalt) await c.getByLabel(/^No salt/).check();
  if (options.salt) await c.getByLabel(/^Salt/).fill(options.salt);
}

async function decryptCard(c, password = PASSWORD) {
  await c.getByLabel(/^Password for/).fill(password);
  await c.getByRole('button', { name: 'Decrypt' }).click();
  await c.locator('.status.ok, .status.bad').waitFor({ timeout: 60000 });
  return (await c.locator('.status').textContent()).trim();
}

for (const [name, [path, options]] of Object.entries(files)) {
  test(`openssl enc ${name}: refused without its options, byte-exact with them`, async () => {
    const c = await add(path);
    const headerless = options.nosalt || options.salt;
    if (headerless) {
      // No header: it looks like nothing, and Decrypt waits for the options that say so.
      assert.match(await c.locator('.status').textContent(), /not an encrypted backup.*OpenSSL options/);
      assert.ok(await c.getByRole('button', { name: 'Decrypt' }).isDisabled());
    } else {
      // Wrong password, or (CTR) truncated: not opened, nothing offered.
      assert.doesNotMatch(await decryptCard(c), /^Done/);
      assert.equal(await c.locator('a.save').count(), 0);
    }
    await choose(c, options);
    assert.ok(await c.getByRole('button', { name: 'Decrypt' }).isEnabled());
    const status = await decryptCard(c);
    assert.match(status, /^Done/);
    assert.equal(sha256(await save(ctx.page, added - 1)), sha256(data));
    // The same options with a wrong password: refused, nothing offered.
    if (!options.cipher || !options.cipher.endsWith('ctr')) {
      assert.match(await decryptCard(c, 'not it'), /^Wrong password/);
      assert.equal(await c.locator('a.save').count(), 0);
    }
  });
}

test('the ZIP browser takes the options too: a legacy-KDF SHA-1 ZIP backup lists and extracts', async () => {
  const zipPath = join(dir, 'files.zip');
  writeFileSync(join(dir, 'report.sql'), data);
  execFileSync(python(), ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[2], 'w') as z:
    z.write(sys.argv[1] + '/report.sql', 'db/report.sql', compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('notes.txt', 'hello')
`, dir, zipPath]);
  const enc = opensslEncrypt(dir, 'files.zip.encrypted', readFileSync(zipPath), PASSWORD, ['-md', 'sha1']);
  const c = await add(enc);
  const list = c.getByRole('button', { name: 'List ZIP contents' });
  await c.getByLabel(/^Password for/).fill(PASSWORD);
  await list.click();
  await c.locator('.status.bad').waitFor();
  assert.equal(await c.locator('.zip tbody tr').count(), 0);
  await choose(c, { md: 'sha1', legacyKdf: true });
  await c.getByLabel(/^Password for/).fill(PASSWORD);
  await list.click();
  await c.locator('.zip tbody tr').first().waitFor();
  assert.equal(await c.locator('.zip tbody tr').count(), 2);
  const [download] = await Promise.all([
    ctx.page.waitForEvent('download'),
    c.getByRole('button', { name: 'Download db/report.sql' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'report.sql');
  assert.equal(sha256(readFileSync(await download.path())), sha256(data));
});

test('choices the library refuses get its sentence, and nothing is decrypted', async () => {
  const c = await add(files.iter[0]);
  await choose(c, { iter: 'many' });
  assert.match(await decryptCard(c), /OpenSSL options.*iteration count must be a whole number/);
  await c.getByLabel(/^Iterations/).fill('1000');
  await c.getByLabel(/^Legacy key derivation/).check();
  assert.match(await decryptCard(c), /legacy key derivation has no iteration count/);
  await c.getByLabel(/^Iterations/).fill('');
  await c.getByLabel(/^Legacy key derivation/).uncheck();
  await c.getByLabel(/^Salt/).fill('0123');
  assert.match(await decryptCard(c), /salt must be 16 hex digits/);
  assert.equal(await c.locator('a.save').count(), 0);
});

test('an AES Crypt key file (UTF-16LE with a byte-order mark) opens the file instead of a password', async () => {
  const text = 'Schlüssel-€-😀-0123456789abcdef0123456789abcdef';
  const enc = pyAesCryptEncrypt(dir, 'keyed.sql.aes', data, text);
  const key = join(dir, 'backup.key');
  writeFileSync(key, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const c = await add(enc);
  // AES Crypt records its options: none are offered.
  await c.locator('.status', { hasText: 'Ready' }).waitFor();
  assert.equal(await c.locator('details.openssl-options').isVisible(), false);
  await c.getByLabel('or a key file').setInputFiles(key);
  assert.ok(await c.getByLabel(/^Password for/).isDisabled());
  await c.getByRole('button', { name: 'Decrypt' }).click();
  await c.locator('.status.ok, .status.bad').waitFor({ timeout: 60000 });
  assert.match(await c.locator('.status').textContent(), /verified \(HMAC\)/);
  assert.equal(sha256(await save(ctx.page, added - 1)), sha256(data));

  // A key file cut in the middle of a UTF-16 character: the library's sentence.
  const broken = join(dir, 'broken.key');
  writeFileSync(broken, Buffer.from([0xff, 0xfe, 0x70, 0x00, 0x77]));
  await c.getByLabel('or a key file').setInputFiles(broken);
  await c.getByRole('button', { name: 'Decrypt' }).click();
  await c.locator('.status.bad').waitFor();
  assert.match(await c.locator('.status').textContent(), /middle of a character/);

  // Forgetting the key file brings the password field back.
  await c.getByRole('button', { name: 'Forget the key file' }).click();
  assert.ok(await c.getByLabel(/^Password for/).isEnabled());
  assert.match(await decryptCard(c, text), /verified \(HMAC\)/);
});

test('keyboard only: the options disclosure opens, takes its choices, and Enter decrypts', async () => {
  const { page } = ctx;
  const c = await add(files.iter[0]);
  const field = await c.getByLabel(/^Password for/).getAttribute('id');
  await page.focus(`#${field}`);
  await page.keyboard.type(PASSWORD);
  const focused = () => page.evaluate(() => document.activeElement.textContent);
  for (let i = 0; i < 20 && (await focused()) !== 'OpenSSL options'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'OpenSSL options');
  await page.keyboard.press('Enter');
  assert.ok(await c.locator('details.openssl-options').evaluate((d) => d.open));
  await page.keyboard.press('Tab');
  await page.keyboard.type('aes-12');
  await page.keyboard.press('Tab');
  await page.keyboard.type('sha5');
  await page.keyboard.press('Tab');
  await page.keyboard.type('600000');
  assert.equal(await c.getByLabel(/^Cipher/).inputValue(), 'aes-128-cbc');
  assert.equal(await c.getByLabel(/^Digest/).inputValue(), 'sha512');
  await page.keyboard.press('Enter');
  await c.locator('.status.ok, .status.bad').waitFor({ timeout: 60000 });
  assert.match(await c.locator('.status').textContent(), /^Done/);
});
