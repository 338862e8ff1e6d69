// Shared by the browser tests and the benchmark: the built page in three engines
// (engines/*.mjs: Chromium, Firefox, WebKit, each driven by its own client behind the
// same few operations), what the tests do in the page, and fixtures made by the real
// tools.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleMemory } from './engines/processes.mjs';

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
  const footer = Buffer.from('\n--\n-- PostgreSQL database dump complete\n--\n\n');
  const lines = [];
  let n = head.length + footer.length;
  for (let i = 0; n < size; i++) {
    const l = `INSERT INTO public.reports VALUES (${i}, '${randomBytes(12).toString('hex')}');\n`;
    lines.push(l);
    n += l.length;
  }
  // Exactly `size` bytes, ending with pg_dump's footer as a finished dump does.
  const body = Buffer.concat([head, Buffer.from(lines.join(''))]).subarray(0, size - footer.length);
  return Buffer.concat([body, footer]);
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

/**
 * How long a test waits for the page by default: longer than the page's own watchdog
 * (60 s, www/worker.js), so that a stalled step fails with the page's message naming
 * it rather than with a bare timeout here.
 */
export const WAIT_MS = 90000;

/** The engines to run (`BROWSERS=chromium,firefox,webkit`, the default: all). */
export const ENGINES = (process.env.BROWSERS || 'chromium,firefox,webkit').split(',').map((s) => s.trim()).filter(Boolean);
/** `REPEAT=N` runs each case N times in the same page (a user with many files, one tab). */
export const REPEAT = Math.max(1, Number(process.env.REPEAT || 1));

/**
 * Declares `body`'s tests once per engine, in a suite named `[engine]` (so a failure
 * names it), each test `REPEAT` times. `body(engine, t)` uses `t` as node:test's `test`.
 */
export function eachEngine(body) {
  for (const engine of ENGINES) {
    describe(`[${engine}]`, () => {
      const repeated = (name, ...rest) => {
        for (let r = 1; r <= REPEAT; r++) test(REPEAT > 1 ? `${name} (${r}/${REPEAT})` : name, ...rest);
      };
      body(engine, repeated);
    });
  }
}

/** A SHA-256 per 64 MiB (so that a 1 GiB output is hashed in the page piece by piece). */
export const DIGEST_PIECE = 64 * 1024 * 1024;
export function digest(buf) {
  const parts = [];
  for (let at = 0; at < buf.length || at === 0; at += DIGEST_PIECE) parts.push(sha256(buf.subarray(at, at + DIGEST_PIECE)));
  return `${buf.length}:${parts.join(',')}`;
}

// Installed in the page after it loads, in every engine: records what the page does
// that a test must see (errors, CSP violations, resources fetched), keeps the Blobs
// behind the page's object URLs, turns a click on a download link into a record
// (read back in the page: no engine's download machinery is needed), and offers the
// small DOM queries the tests make.
const PROBE = String.raw`(() => {
  if (window.__t) return true;
  const t = window.__t = { errors: [], downloads: [], blobs: new Map() };
  document.addEventListener('securitypolicyviolation', (e) => t.errors.push('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  addEventListener('error', (e) => t.errors.push('error: ' + e.message));
  addEventListener('unhandledrejection', (e) => t.errors.push('unhandled rejection: ' + ((e.reason && e.reason.message) || e.reason)));
  const create = URL.createObjectURL;
  URL.createObjectURL = function (o) { const u = create.call(URL, o); if (o instanceof Blob) t.blobs.set(u, o); return u; };
  // A URL the page revoked lets its Blob go: the probe does too (else it would keep every
  // output of a long run alive itself).
  const revoke = URL.revokeObjectURL;
  URL.revokeObjectURL = function (u) { t.blobs.delete(u); return revoke.call(URL, u); };
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[download]');
    if (a) { e.preventDefault(); t.downloads.push({ name: a.getAttribute('download'), href: a.href }); }
  }, true);
  t.resources = () => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => !n.startsWith('blob:'));
  t.card = (n) => document.querySelectorAll('#file-list > li')[n];
  t.scope = (n) => (n == null ? document : t.card(n));
  const named = (e) => (e.getAttribute('aria-label') || e.textContent).trim();
  t.find = (n, sel, name) => {
    const s = t.scope(n);
    if (!s) return null;
    return [...s.querySelectorAll(sel)].find((e) => name == null || (name instanceof RegExp ? name.test(named(e)) : named(e) === name)) || null;
  };
  t.button = (n, name) => t.find(n, 'button', name);
  t.status = (n) => { const e = t.card(n) && t.card(n).querySelector('.status'); return e ? { text: e.textContent.trim(), cls: e.className } : null; };
  t.digest = async (blob) => {
    const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
    const parts = [];
    for (let at = 0; at < blob.size || at === 0; at += ${DIGEST_PIECE}) {
      parts.push(hex(await crypto.subtle.digest('SHA-256', await blob.slice(at, at + ${DIGEST_PIECE}).arrayBuffer())));
    }
    return blob.size + ':' + parts.join(',');
  };
  // A download's bytes, hashed; its object URL is then revoked, as the Blob is no
  // longer needed (a long repeated run would otherwise keep every output).
  t.download = async (i) => {
    const d = t.downloads[i];
    const blob = t.blobs.get(d.href);
    if (!blob) return { name: d.name, digest: 'no Blob behind ' + d.href };
    const digest = await t.digest(blob);
    t.blobs.delete(d.href);
    URL.revokeObjectURL(d.href);
    return { name: d.name, digest };
  };
  // A small download's bytes, as base64 (to check it with other tools).
  t.bytes = async (i) => {
    const blob = t.blobs.get(t.downloads[i].href);
    const b = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let at = 0; at < b.length; at += 0x8000) s += String.fromCharCode(...b.subarray(at, at + 0x8000));
    return btoa(s);
  };
  return true;
})()`;

/**
 * Serves the page from a static host on 127.0.0.1, as a user may: `{ url, served,
 * close }`, where `served` lists every path asked for.
 */
export async function servePage() {
  const html = readFileSync(PAGE);
  const served = [];
  const server = createServer((req, res) => {
    served.push(req.url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/backupcrypt.html`,
    served,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * Answers the page's save dialog with a file in the origin-private file system (a
 * headless browser cannot show the dialog; the page writes to it as to any picked
 * file). Needs an http:// page. The name asked for is kept in `window.picked`.
 */
export const ANSWER_SAVE_PICKER = () => {
  window.showSaveFilePicker = async ({ suggestedName }) => {
    window.picked = suggestedName;
    const root = await navigator.storage.getDirectory();
    return root.getFileHandle(suggestedName, { create: true });
  };
  return true;
};

/**
 * What this engine offers for writing a file the user picked (its own probe, not the
 * page's): `{ picker, writable }`, whether it has a save and a folder dialog, and whether
 * it can write an origin-private file from the page (createWritable). Needs http://.
 */
export const WRITE_CAPABILITY = async () => {
  let writable = false;
  try {
    await navigator.storage.getDirectory();
    writable = typeof FileSystemFileHandle !== 'undefined' && 'createWritable' in FileSystemFileHandle.prototype;
  } catch (_) { /* no origin-private file system */ }
  return {
    picker: typeof window.showSaveFilePicker === 'function' || typeof window.showDirectoryPicker === 'function',
    writable,
  };
};

/** The digest (as `digest()` makes it) of the origin-private file `name`, then removed. */
export const PRIVATE_FILE_DIGEST = async (t, name) => {
  try {
    const root = await navigator.storage.getDirectory();
    const d = await t.digest(await (await root.getFileHandle(name)).getFile());
    await root.removeEntry(name);
    return d;
  } catch (e) {
    return e.name;
  }
};

/**
 * Starts `engine` with a fresh profile and opens the page (file:// unless `url`).
 * `requests()` are those the browser or the page recorded after the load that are
 * not to a `blob:` URL the page made itself; `errors()` are uncaught errors, CSP
 * violations and console errors. The tests assert both stay empty.
 */
export async function openPage(engine, { hash = '', removeSavePicker = true, url = PAGE_URL } = {}) {
  const { launch } = await import(`./engines/${engine}.mjs`);
  // A browser that fails to start (a start-up timeout on a busy machine) is started
  // once more: that is the machine's problem, not the page's, and it is said.
  let b;
  for (let attempt = 1; !b; attempt++) {
    try {
      b = await launch();
    } catch (e) {
      if (attempt === 2) throw e;
      console.log(`[${engine}] the browser did not start (${e.message}); starting it again`);
    }
  }
  try {
    await b.goto(url + hash);
    await b.evaluate(PROBE);
    if (removeSavePicker) {
      // Headless tests cannot answer the native save and folder dialogs: use the
      // download paths.
      await b.evaluate('(delete window.showSaveFilePicker, delete window.showDirectoryPicker)');
    }
  } catch (e) {
    await b.close(); // Else the open browser keeps the test process alive.
    throw e;
  }
  let added = 0;
  const ctx = {
    engine,
    browser: b,
    /** Runs `fn(t, ...args)` in the page (`t`: the probe's helpers); JSON in, JSON out. */
    run: (fn, ...args) => {
      const json = JSON.stringify(JSON.stringify(args, (k, v) => (v instanceof RegExp ? { re: v.source, flags: v.flags } : v)));
      return b.evaluate(`(${fn}).apply(null, [window.__t].concat(JSON.parse(${json},
        (k, v) => (v && typeof v.re === 'string' ? new RegExp(v.re, v.flags) : v))))`);
    },
    /** Polls `fn(t, ...args)` until it returns something truthy, and returns that. Return
     * plain values, never DOM nodes: Firefox over BiDi hands a node back as nothing. */
    async waitFor(fn, args = [], { timeout = WAIT_MS, what = String(fn) } = {}) {
      for (const t0 = Date.now(); ;) {
        const v = await ctx.run(fn, ...args);
        if (v) return v;
        if (Date.now() - t0 > timeout) throw new Error(`[${engine}] timed out after ${timeout} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    requests: async () => [...b.requests, ...(await ctx.run((t) => t.resources()))],
    errors: async () => [...b.errors, ...(await ctx.run((t) => t.errors))],
    /** Presses Enter on the focused control (see engines/firefox.mjs for the exception). */
    activate: () => (b.keyActivates ? b.press('Enter') : ctx.run(() => { document.activeElement.click(); return true; })),
    /** Adds files through the picker; returns the index of the first new card. */
    async add(...paths) {
      await b.setFiles('#files', paths);
      const first = added;
      added += paths.length;
      await ctx.waitFor((t, n) => !!t.card(n), [added - 1], { what: 'the new cards' });
      return first;
    },
    /** Card `n`'s status line and its kind. */
    status: (n) => ctx.run((t, n) => t.status(n), n),
    /** Clicks the button (or link) named `name` in card `n` (null: the whole page). */
    click: (n, name, sel = 'button') => ctx.run((t, n, name, sel) => {
      const e = t.find(n, sel, name);
      if (!e) throw new Error('no ' + sel + ' named ' + name);
      e.click();
      return true;
    }, n, name, sel),
    isDisabled: (n, name) => ctx.run((t, n, name) => t.button(n, name).disabled, n, name),
    /** Types into card `n`'s password field, as a user would (an input event). */
    fill: (n, text, sel = 'input[id$="-pass"]') => ctx.run((t, n, text, sel) => {
      const i = t.scope(n).querySelector(sel);
      i.value = text;
      i.dispatchEvent(new Event('input', { bubbles: true }));
      return true;
    }, n, text, sel),
    value: (n, sel) => ctx.run((t, n, sel) => t.scope(n).querySelector(sel).value, n, sel),
    text: (n, sel) => ctx.run((t, n, sel) => { const e = t.scope(n).querySelector(sel); return e ? e.textContent : null; }, n, sel),
    count: (n, sel) => ctx.run((t, n, sel) => t.scope(n).querySelectorAll(sel).length, n, sel),
    /** Waits until card `n`'s status says Ready (its header was read). */
    ready: (n) => ctx.waitFor((t, n) => { const s = t.status(n); return s && /^Ready/.test(s.text); }, [n], { what: `card ${n} Ready` }),
    /** Waits for card `n`'s outcome (ok or bad) and returns its text. */
    outcome: (n, timeout = WAIT_MS) => ctx.waitFor((t, n) => {
      const s = t.status(n);
      return s && /\b(ok|bad)\b/.test(s.cls) && s.text;
    }, [n], { timeout, what: `card ${n}'s outcome` }),
    /** Does `action` and returns the download it caused: `{ name, digest }` (and
     * `bytes`, a Buffer, with `{ bytes: true }`: small files only). */
    async download(action, { timeout = WAIT_MS, bytes = false } = {}) {
      const before = await ctx.run((t) => t.downloads.length);
      await action();
      await ctx.waitFor((t, n) => t.downloads.length > n, [before], { timeout, what: 'a download' });
      const raw = bytes ? Buffer.from(await ctx.run((t, i) => t.bytes(i), before), 'base64') : null;
      return { ...(await ctx.run((t, i) => t.download(i), before)), ...(raw ? { bytes: raw } : {}) };
    },
    /** Peak RSS of the engine's content processes while `action` runs. */
    async peakMemory(action) {
      const sampler = sampleMemory(await b.pid(), b.contentProcess);
      try { await action(); } finally { ctx.lastPeak = sampler.stop(); }
      return ctx.lastPeak;
    },
    close: () => b.close(),
  };
  return ctx;
}

/**
 * Ends a suite: reads what the page requested and what went wrong, closes the
 * browser (always: a browser left open keeps the test process alive), then asserts
 * that the page asked for nothing and nothing failed.
 */
export async function finish(ctx, { errors = true, ignore = null } = {}) {
  if (!ctx) return; // The suite's set-up failed (and said why).
  let requests;
  let failures;
  try {
    requests = await ctx.requests();
    failures = errors ? (await ctx.errors()).filter((e) => !(ignore && ignore.test(e))) : [];
  } finally {
    await ctx.close();
  }
  assert.deepEqual(requests, [], `[${ctx.engine}] the page made network requests`);
  assert.deepEqual(failures, [], `[${ctx.engine}] errors in the page`);
}

/** Enters the password in card `n`, presses Decrypt, and waits for the outcome. */
export async function decrypt(ctx, n, password, { timeout = WAIT_MS } = {}) {
  await ctx.waitFor((t, n) => { const b = t.button(n, 'Decrypt'); return b && !b.disabled; }, [n],
    { timeout, what: `card ${n}'s Decrypt enabled` });
  await ctx.fill(n, password);
  await ctx.click(n, 'Decrypt');
  return ctx.outcome(n, timeout);
}

/** Clicks card `n`'s Save link; returns the saved bytes' digest. */
export async function save(ctx, n) {
  return (await ctx.download(() => ctx.click(n, /^Save /, 'a.save'))).digest;
}

/** Card `n`'s description of the file, once the worker has read its header. */
export async function infoText(ctx, n) {
  return ctx.waitFor((t, n) => t.card(n).querySelector('.info dt') && t.card(n).querySelector('.info').textContent, [n],
    { what: `card ${n}'s info` });
}
