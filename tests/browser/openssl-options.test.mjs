// Whatever the CLI can open, the page can open, in each engine: files made by
// `openssl enc` with options outside the presets the page tries (-iter, -md sha512,
// -aes-128-cbc, CTR, -nosalt, an explicit -S salt, the legacy key derivation with
// SHA-1) open through the "OpenSSL options" disclosure, in the ZIP browser too; bad
// choices get the library's sentence; an AES Crypt key file (UTF-16LE with a
// byte-order mark, as AES Crypt's key generator writes it) opens a file in place of
// the password; the disclosure works from the keyboard.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  workdir, python, opensslEncrypt, pyAesCryptEncrypt, digest, eachEngine, openPage, save,
} from './lib.mjs';

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
const zipPath = join(dir, 'files.zip');
writeFileSync(join(dir, 'report.sql'), data);
execFileSync(python(), ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[2], 'w') as z:
    z.write(sys.argv[1] + '/report.sql', 'db/report.sql', compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('notes.txt', 'hello')
`, dir, zipPath]);
const legacyZip = opensslEncrypt(dir, 'files.zip.encrypted', readFileSync(zipPath), PASSWORD, ['-md', 'sha1']);
const KEY_TEXT = 'Schlüssel-€-😀-0123456789abcdef0123456789abcdef';
const keyed = pyAesCryptEncrypt(dir, 'keyed.sql.aes', data, KEY_TEXT);
const keyFile = join(dir, 'backup.key');
writeFileSync(keyFile, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(KEY_TEXT, 'utf16le')]));
const brokenKey = join(dir, 'broken.key');
writeFileSync(brokenKey, Buffer.from([0xff, 0xfe, 0x70, 0x00, 0x77]));

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  after(async () => {
    assert.deepEqual(await ctx.requests(), []);
    assert.deepEqual(await ctx.errors(), []);
    await ctx.close();
  });

  /** Opens card `n`'s disclosure and sets the options as the user picks them (CLI names). */
  const choose = (n, options) => ctx.run((t, n, o) => {
    const c = t.card(n);
    c.querySelector('details.openssl-options').open = true;
    const set = (k, v) => {
      const e = c.querySelector(`[id$="-ossl-${k}"]`);
      if (e.type === 'checkbox') { if (e.checked !== !!v) e.click(); return; }
      e.value = v;
      e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
    };
    const ids = { cipher: 'cipher', md: 'md', iter: 'iter', legacyKdf: 'legacy', nosalt: 'nosalt', salt: 'salt' };
    for (const [k, v] of Object.entries(o)) set(ids[k], v);
    return true;
  }, n, options);

  // Whether Decrypt is offered is the library's answer, asked of the worker on each change.
  const offered = (n, yes) => ctx.waitFor((t, n, yes) => t.button(n, 'Decrypt').disabled === !yes, [n, yes],
    { what: `card ${n}'s Decrypt ${yes ? 'enabled' : 'disabled'}` });

  const attempt = async (n, password = PASSWORD) => {
    await ctx.fill(n, password);
    await ctx.click(n, 'Decrypt');
    return ctx.outcome(n);
  };

  for (const [name, [path, options]] of Object.entries(files)) {
    test(`openssl enc ${name}: refused without its options, byte-exact with them`, async () => {
      const n = await ctx.add(path);
      if (options.nosalt || options.salt) {
        // No header: it looks like nothing, and Decrypt waits for the options that say so.
        assert.match(await ctx.outcome(n), /not an encrypted backup.*OpenSSL options/);
        assert.ok(await ctx.isDisabled(n, 'Decrypt'));
        // Ticking "No salt" offers it; unticking takes it back.
        await choose(n, { nosalt: true });
        await offered(n, true);
        await choose(n, { nosalt: false });
        await offered(n, false);
      } else {
        await ctx.ready(n);
        // Wrong password, or (CTR) truncated: not opened, nothing offered.
        assert.doesNotMatch(await attempt(n), /^Done/);
        assert.equal(await ctx.count(n, 'a.save'), 0);
      }
      await choose(n, options);
      await offered(n, true);
      assert.match(await attempt(n), /^Done/);
      assert.equal(await save(ctx, n), digest(data));
      if (!options.cipher || !options.cipher.endsWith('ctr')) {
        // The same options with a wrong password: refused, nothing offered.
        assert.match(await attempt(n, 'not it'), /^Wrong password/);
        assert.equal(await ctx.count(n, 'a.save'), 0);
      }
    });
  }

  test('the ZIP browser takes the options too: a legacy-KDF SHA-1 ZIP backup lists and extracts', async () => {
    const n = await ctx.add(legacyZip);
    await ctx.ready(n);
    await ctx.fill(n, PASSWORD);
    await ctx.click(n, 'List ZIP contents');
    assert.match(await ctx.outcome(n), /./);
    assert.equal(await ctx.count(n, '.zip tbody tr'), 0);
    await choose(n, { md: 'sha1', legacyKdf: true });
    await ctx.fill(n, PASSWORD);
    await ctx.click(n, 'List ZIP contents');
    await ctx.waitFor((t, n) => !!t.card(n).querySelector('.zip tbody tr'), [n], { what: 'the entries' });
    assert.equal(await ctx.count(n, '.zip tbody tr'), 2);
    assert.deepEqual(await ctx.download(() => ctx.click(n, 'Download db/report.sql')),
      { name: 'report.sql', digest: digest(data) });
  });

  test('choices the library refuses get its sentence, and nothing is decrypted', async () => {
    const n = await ctx.add(files.iter[0]);
    await ctx.ready(n);
    await choose(n, { iter: 'many' });
    assert.match(await attempt(n), /OpenSSL options.*iteration count must be a whole number/);
    await choose(n, { iter: '1000', legacyKdf: true });
    assert.match(await attempt(n), /legacy key derivation has no iteration count/);
    await choose(n, { iter: '', legacyKdf: false, salt: '0123' });
    assert.match(await attempt(n), /salt must be 16 hex digits/);
    assert.equal(await ctx.count(n, 'a.save'), 0);
  });

  test('an AES Crypt key file (UTF-16LE with a byte-order mark) opens the file instead of a password', async () => {
    const n = await ctx.add(keyed);
    await ctx.ready(n);
    // AES Crypt records its options: none are offered.
    assert.ok(await ctx.run((t, n) => t.card(n).querySelector('details.openssl-options').offsetParent === null, n));
    const keyInput = await ctx.run((t, n) => `#${t.card(n).querySelector('input[id$="-key"]').id}`, n);
    await ctx.browser.setFiles(keyInput, [keyFile]);
    await ctx.waitFor((t, n) => t.card(n).querySelector('input[id$="-pass"]').disabled, [n], { what: 'the field disabled' });
    await ctx.click(n, 'Decrypt');
    assert.match(await ctx.outcome(n), /HMAC verified/);
    assert.equal(await save(ctx, n), digest(data));

    // A key file cut in the middle of a UTF-16 character: the library's sentence.
    await ctx.browser.setFiles(keyInput, [brokenKey]);
    await ctx.waitFor((t, n) => /broken\.key/.test(t.card(n).querySelector('.key .help').textContent), [n]);
    await ctx.click(n, 'Decrypt');
    await ctx.waitFor((t, n) => /middle of a character/.test(t.status(n).text), [n], { what: 'the key file refused' });

    // Forgetting the key file brings the password field back.
    await ctx.click(n, 'Forget the key file');
    assert.match(await attempt(n, KEY_TEXT), /HMAC verified/);
  });

  test('keyboard only: the options disclosure opens, takes its choices, and Enter decrypts', async () => {
    const n = await ctx.add(files.iter[0]);
    await ctx.ready(n);
    await ctx.run((t, n) => { t.card(n).querySelector('input[id$="-pass"]').focus(); return true; }, n);
    await ctx.browser.type(PASSWORD);
    const focused = () => ctx.run(() => document.activeElement.textContent);
    for (let i = 0; i < 20 && (await focused()) !== 'OpenSSL options'; i++) await ctx.browser.press('Tab');
    assert.equal(await focused(), 'OpenSSL options');
    await ctx.activate();
    assert.ok(await ctx.run((t, n) => t.card(n).querySelector('details.openssl-options').open, n));
    await ctx.browser.press('Tab');
    await ctx.browser.type('aes-12');
    await ctx.browser.press('Tab');
    await ctx.browser.type('sha5');
    await ctx.browser.press('Tab');
    await ctx.browser.type('600000');
    assert.equal(await ctx.value(n, 'select[id$="-ossl-cipher"]'), 'aes-128-cbc');
    assert.equal(await ctx.value(n, 'select[id$="-ossl-md"]'), 'sha512');
    // Enter in a text field submits the form (every engine does that, Firefox included).
    await ctx.browser.press('Enter');
    assert.match(await ctx.outcome(n), /^Done/);
  });
});
