// The Playwright-only helpers (Chromium) used by openssl-options, picked-file and
// zip-restore.test.mjs, which are not yet on the three-engine layer of lib.mjs: the
// previous lib.mjs, kept whole for them.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PAGE = join(ROOT, 'dist/backupcrypt.html');
export const PAGE_URL = pathToFileURL(PAGE).href;

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

export function python() {
  const p = process.env.BACKUPCRYPT_TEST_PYTHON || join(ROOT, 'target/venv/bin/python');
  if (!existsSync(p)) throw new Error(`no Python venv at ${p}: run tests/setup/30-python.sh`);
  return p;
}

/** A fresh directory for one test file's fixtures, removed on exit. */
export function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'backupcrypt-page-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes `data` and encrypts it with `openssl enc` (extra flags after the defaults).
 *
 * Salted binary files get a fixed salt (`-S`, plus the `Salted__` header OpenSSL 3
 * then leaves out, byte for byte what it writes for a random salt), so that every
 * run gives the same file: a wrong password passes the final padding about once in
 * 256 per preset, and with a random salt the wrong-password tests would fail that often.
 */
export function opensslEncrypt(dir, name, data, password, flags = ['-pbkdf2']) {
  const SALT = 'a1b2c3d4e5f60718';
  const plain = join(dir, `${name}.plain`);
  const out = join(dir, name);
  writeFileSync(plain, data);
  const fixed = !flags.some((f) => ['-nosalt', '-S', '-a', '-base64'].includes(f));
  execFileSync('openssl', ['enc', '-aes-256-cbc', ...flags, ...(fixed ? ['-S', SALT] : []),
    '-in', plain, '-out', out, '-pass', `pass:${password}`]);
  if (fixed) writeFileSync(out, Buffer.concat([Buffer.from('Salted__'), Buffer.from(SALT, 'hex'), readFileSync(out)]));
  return out;
}

/** pyAesCrypt 6.0.0 `encryptStream`, as the file backups were made (AES Crypt v2). */
export function pyAesCryptEncrypt(dir, name, data, password) {
  const plain = join(dir, `${name}.plain`);
  const out = join(dir, name);
  writeFileSync(plain, data);
  execFileSync(python(), ['-c', `
import sys, pyAesCrypt
with open(sys.argv[1], 'rb') as fin, open(sys.argv[2], 'wb') as fout:
    pyAesCrypt.encryptStream(fin, fout, sys.argv[3], 64 * 1024)
`, plain, out, password]);
  return out;
}

/** AES Crypt v3 written from the stream format description (FORMATS.md §3) with
 * Python's `cryptography`: an oracle independent of our Rust encoder. */
export function aesCryptV3Encrypt(dir, name, data, password, iterations = 1000) {
  const plain = join(dir, `${name}.plain`);
  const out = join(dir, name);
  writeFileSync(plain, data);
  execFileSync(python(), ['-c', `
import sys, os, hmac, hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
data = open(sys.argv[1], 'rb').read()
pw = sys.argv[3].encode()
n = int(sys.argv[4])
iv, siv, skey = os.urandom(16), os.urandom(16), os.urandom(32)
key = hashlib.pbkdf2_hmac('sha512', pw, iv, n, 32)
ext = b'CREATED_BY\\0python v3 oracle'
hdr = b'AES\\x03\\x00' + struct.pack('>H', len(ext)) + ext + b'\\x00\\x00' + struct.pack('>I', n) + iv
enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
e = enc.update(siv + skey) + enc.finalize()
t1 = hmac.new(key, e + b'\\x03', hashlib.sha256).digest()
pad = 16 - len(data) % 16
c = Cipher(algorithms.AES(skey), modes.CBC(siv)).encryptor()
ct = c.update(data + bytes([pad]) * pad) + c.finalize()
t2 = hmac.new(skey, ct, hashlib.sha256).digest()
open(sys.argv[2], 'wb').write(hdr + e + t1 + ct + t2)
`, plain, out, password, String(iterations)]);
  return out;
}

/** The 188-byte v3 file of FORMATS.md §6.4, made by the official `aescrypt` 4.0.5. */
export const OFFICIAL_V3 = Buffer.from(
  '4145530300' + '001f435245415445445f42590061657363727970745f636c6920342e302e352e30' + '0000000003e8' +
  '1573be9313a2b1c82bef2af85a0fd53c' +
  '28b93c3542730c82129bb07b32dd7d40f1f1ad79f0082f1bb31f4add922168f44ffe01abe86d3e00979f555a3537fbe4' +
  '446c7adfbc244e305307966c124ae921a67db4fc12e3a67a6ed5ca6076e9b716' +
  '7ed4e52a72814f4a0b55f1c9f7e28bcd' +
  '3c6474e4a6aec08f8bb0bfcce01e03feef0356e066dce9d93e01166aee39bf72', 'hex');

/** Something that looks like the database backups: a plain-SQL pg_dump. */
export function sqlDump(size) {
  const head = Buffer.from('--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n');
  const lines = [];
  let n = head.length;
  for (let i = 0; n < size; i++) {
    const l = `INSERT INTO public.reports VALUES (${i}, '${randomBytes(12).toString('hex')}');\n`;
    lines.push(l);
    n += l.length;
  }
  return Buffer.concat([head, Buffer.from(lines.join(''))]).subarray(0, size);
}

export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts Debian's chromium with a fresh profile and opens the page from file://.
 * Every request the browser makes after the page has loaded is recorded; `requests`
 * holds those that are not to a `blob:` URL the page made itself (its worker, the
 * Save links), and the tests assert it stays empty. Blocked attempts show up as CSP
 * violations in `errors`.
 */
export async function openPage({ hash = '', removeSavePicker = true, url = PAGE_URL } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'backupcrypt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, acceptDownloads: true,
  });
  const requests = [];
  let loaded = false;
  context.on('request', (r) => { if (loaded && !r.url().startsWith('blob:')) requests.push(r.url()); });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (removeSavePicker) {
    // Headless tests cannot answer the native save and folder dialogs: use the
    // download paths.
    await page.addInitScript(() => { delete window.showSaveFilePicker; delete window.showDirectoryPicker; });
  }
  await page.goto(url + hash);
  loaded = true;
  return {
    page, context, requests, errors, profile,
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/**
 * Reads a ZIP file with Python's zipfile (every CRC checked by `testzip`) and
 * Info-ZIP (`unzip -t`): its entry names, each with its data's SHA-256.
 */
export function readZip(path) {
  execFileSync('unzip', ['-tq', path]);
  const out = execFileSync(python(), ['-c', `
import sys, json, hashlib, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))
`, path]);
  return JSON.parse(out);
}

/** The card of the n-th added file (0-based). */
export const card = (page, n) => page.locator('#file-list > li').nth(n);

/** Adds files, types the password into card `n`, presses Decrypt, and waits for the outcome. */
export async function decrypt(page, n, password, { timeout = 60000 } = {}) {
  const c = card(page, n);
  const go = c.getByRole('button', { name: 'Decrypt' });
  await go.waitFor();
  // Enabled once the header has been read (and again after a failed attempt).
  for (const t0 = Date.now(); await go.isDisabled(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() - t0 > timeout) throw new Error('Decrypt never became enabled');
  }
  await c.getByLabel(/^Password for/).fill(password);
  await c.getByRole('button', { name: 'Decrypt' }).click();
  await c.locator('.status.ok, .status.bad').waitFor({ timeout });
  return (await c.locator('.status').textContent()).trim();
}

/** Clicks card `n`'s Save link and returns the downloaded bytes. */
export async function save(page, n) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    card(page, n).locator('a.save').click(),
  ]);
  return readFileSync(await download.path());
}

/** Card `n`'s description of the file, once the worker has read its header. */
export async function infoText(page, n) {
  const info = card(page, n).locator('.info');
  await info.locator('dt').first().waitFor();
  return info.textContent();
}
