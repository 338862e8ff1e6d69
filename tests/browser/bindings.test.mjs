// The wasm bindings themselves, called directly inside a worker made from the page's
// own inlined worker script (the same bytes the page runs), in each engine.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, OFFICIAL_V3, sqlDump, sha256, eachEngine, finish, openPage } from './lib.mjs';

const dir = workdir();
const sql = sqlDump(300007);
const fixtures = {
  official: OFFICIAL_V3,
  openssl: readFileSync(opensslEncrypt(dir, 'db.sql.encrypted', sql, 'pw')),
  armoured: readFileSync(opensslEncrypt(dir, 'db.sql.b64', sql, 'pw', ['-pbkdf2', '-a'])),
  v2: readFileSync(pyAesCryptEncrypt(dir, 'f.zip.encrypted', sql, 'pw')),
  cut: readFileSync(opensslEncrypt(dir, 'cut.sql.encrypted', sql.subarray(0, sql.length - 60), 'pw')),
  sql,
};
fixtures.damaged = Buffer.from(fixtures.v2);
fixtures.damaged[fixtures.damaged.length - 40] ^= 4;

// Runs inside the worker, after the page's worker script (so `ready` is the wasm).
const TESTS = String.raw`
onmessage = (ev) => checks(ev).catch((e) => postMessage([{ name: 'the checks threw', ok: false, detail: String(e && e.stack || e) }]));
async function checks(ev) {
  const w = await ready;
  const files = {};
  for (const [k, b64] of Object.entries(ev.data)) files[k] = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const results = [];
  const check = (name, ok, detail) => results.push({ name, ok: !!ok, detail: JSON.stringify(detail) });
  const throws = (f) => { try { f(); return null; } catch (e) { return e.name; } };
  const enc = (s) => new TextEncoder().encode(s);
  // No Blob is read here: WebKit refuses that in a worker on a file:// page.
  const join = (parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const hex = async (b) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', b))].map((x) => x.toString(16).padStart(2, '0')).join('');
  const head = (f) => f.subarray(0, 65536);
  const tail = (f) => f.subarray(Math.max(0, f.length - 64));

  const v3 = files.official;
  const info = w.inspect(head(v3), v3.length, tail(v3));
  check('inspect v3', info.format === 'AES Crypt' && info.version === 3 && /1000 iterations/.test(info.kdf)
    && info.createdBy === 'aescrypt_cli 4.0.5.0' && info.authenticated === true, info);
  const o = w.inspect(head(files.openssl), files.openssl.length, tail(files.openssl));
  check('inspect openssl', o.format === 'OpenSSL enc' && o.version === null && o.authenticated === false, o);
  check('inspect random', throws(() => w.inspect(new Uint8Array(100).fill(7), 100, new Uint8Array(0))) === 'NotEncrypted');
  check('inspect short', throws(() => w.inspect(enc('Salted__1234'), 12, enc('Salted__1234'))) === 'Truncated');
  for (const [input, want] of [['backups/2022-09-27--13-00-01.sql.encrypted', '2022-09-27--13-00-01.sql'],
    ['x.ZIP.AES', 'x.ZIP'], ['notes', 'notes.decrypted'], ['.aes', '.aes.decrypted'], ['..\\a\\b.enc', 'b']]) {
    check('outputName ' + input, w.outputName(input) === want, w.outputName(input));
  }

  // Fast path on the official file: no bulk at all, one block through finish().
  const fd = w.FastDecryptor.open(enc('apples'), head(v3), tail(v3), v3.length);
  check('v3 ranges', fd.bulkStart === 140 && fd.bulkEnd === 140 && fd.fileLen === 188, [fd.bulkStart, fd.bulkEnd]);
  check('key once', fd.takeKey().length === 32 && fd.takeKey().length === 0);
  const last = fd.finish(v3.subarray(fd.bulkEnd));
  check('v3 plaintext', new TextDecoder().decode(last) === 'Hello, World!' && fd.integrity === 'HMAC verified; content: text'
    && fd.verdict === 'ok', [fd.integrity, fd.verdict]);
  check('v3 wrong password', throws(() => w.FastDecryptor.open(enc('pears'), head(v3), tail(v3), v3.length)) === 'WrongPassword');
  check('openssl wrong password', throws(() => w.FastDecryptor.open(enc('nope'), head(files.openssl), tail(files.openssl), files.openssl.length)) === 'WrongPassword');
  check('armoured needs the stream decryptor', w.FastDecryptor.open(enc('pw'), head(files.armoured), tail(files.armoured), files.armoured.length) === undefined);

  // The split with WebCrypto and the extra block E, in odd-sized chunks, against the wasm stream.
  async function viaWebCrypto(file, password, chunk, lastOnly = false) {
    const d = w.FastDecryptor.open(enc(password), head(file), tail(file), file.length);
    const key = await crypto.subtle.importKey('raw', d.takeKey(), 'AES-CBC', false, ['decrypt']);
    const parts = [];
    for (let pos = d.bulkStart; pos < d.bulkEnd; pos += chunk) {
      const c = file.slice(pos, Math.min(pos + chunk, d.bulkEnd));
      const ivE = lastOnly ? d.absorbLast(c.length, c.subarray(c.length - 16)) : d.absorb(c);
      const buf = new Uint8Array(c.length + 16);
      buf.set(c); buf.set(ivE.subarray(16), c.length);
      const p = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: ivE.subarray(0, 16) }, key, buf));
      if (p.length !== c.length) throw new Error('E did not decrypt to one full padding block');
      d.plaintext(p);
      parts.push(p);
    }
    parts.push(d.finish(file.subarray(d.bulkEnd)));
    return { bytes: join(parts), integrity: d.integrity, verdict: d.verdict, content: d.content };
  }
  function viaWasm(file, password, chunk) {
    const d = new w.StreamDecryptor(enc(password), head(file), tail(file), file.length);
    const parts = [];
    for (let pos = 0; pos < file.length; pos += chunk) parts.push(d.update(file.subarray(pos, pos + chunk)));
    parts.push(d.finish());
    return { parts, integrity: d.integrity, verdict: d.verdict };
  }
  for (const name of ['openssl', 'v2']) {
    const a = await viaWebCrypto(files[name], 'pw', 4096 + 16 * 7);
    const b = viaWasm(files[name], 'pw', 9999);
    const bh = await hex(join(b.parts));
    check(name + ' split == stream', (await hex(a.bytes)) === bh && a.integrity === b.integrity && a.verdict === b.verdict,
      [a.integrity, b.integrity]);
    // The content check saw the dump's footer, on both paths.
    check(name + ' content complete', /; PostgreSQL dump, complete$/.test(a.integrity) && a.verdict === 'ok', a.integrity);
    results.push({ name: name + ' sha256', ok: true, detail: bh });
  }
  const byLast = await viaWebCrypto(files.openssl, 'pw', 65536 + 16 * 3, true);
  check('openssl split by last blocks only == stream', (await hex(byLast.bytes)) === (await hex(join(viaWasm(files.openssl, 'pw', 9999).parts))));
  const needs = (f) => w.FastDecryptor.open(enc('pw'), head(f), tail(f), f.length).needsBulk;
  check('needsBulk: AES Crypt yes, OpenSSL no', needs(files.v2) === true && needs(files.openssl) === false);
  const hm = w.FastDecryptor.open(enc('pw'), head(files.v2), tail(files.v2), files.v2.length);
  check('absorbLast refused where the HMAC needs the bytes', throws(() => hm.absorbLast(16, files.v2.subarray(hm.bulkStart, hm.bulkStart + 16))) === 'InvalidInput');
  const ol = w.FastDecryptor.open(enc('pw'), head(files.openssl), tail(files.openssl), files.openssl.length);
  check('absorbLast rejects a short block', throws(() => ol.absorbLast(32, new Uint8Array(15))) === 'InvalidInput');
  const spaced = new Uint8Array([10, 32, ...files.armoured]);
  check('armour after whitespace streams', w.FastDecryptor.open(enc('pw'), head(spaced), tail(spaced), spaced.length) === undefined);
  const sp = viaWasm(spaced, 'pw', 777);
  check('armour after whitespace decrypts', (await hex(join(sp.parts))) === (await hex(join(viaWasm(files.armoured, 'pw', 5000).parts))));
  const arm = viaWasm(files.armoured, 'pw', 1000);
  results.push({ name: 'armoured sha256', ok: true, detail: await hex(join(arm.parts)) });
  check('openssl content', (await viaWebCrypto(files.openssl, 'pw', 65536)).content === 'pg_dump (SQL)');
  const cutA = await viaWebCrypto(files.cut, 'pw', 4096);
  const cutB = viaWasm(files.cut, 'pw', 5000);
  check('cut dump: damaged on both paths', cutA.verdict === 'damaged' && cutB.verdict === 'damaged'
    && cutA.integrity === cutB.integrity && /without its/.test(cutA.integrity), [cutA.integrity, cutB.integrity]);
  // The content check alone, fed in pieces: it copies only what it looks at.
  const cc = new w.ContentCheck();
  for (let at = 0; at < files.sql.length; at += 100000) cc.feed(files.sql.subarray(at, at + 100000));
  const found = cc.finish();
  check('ContentCheck fed in pieces', found.kind === 'pg_dump' && found.complete === true, found);
  const po = w.FastDecryptor.open(enc('pw'), head(files.openssl), tail(files.openssl), files.openssl.length);
  check('openssl options found', po.options === 'openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256', po.options);

  const d = w.FastDecryptor.open(enc('pw'), head(files.v2), tail(files.v2), files.v2.length);
  check('absorb rejects part blocks', throws(() => d.absorb(files.v2.subarray(d.bulkStart, d.bulkStart + 15))) === 'InvalidInput');
  check('finish too early', throws(() => d.finish(files.v2.subarray(d.bulkEnd))) === 'InvalidInput');
  const bad = files.damaged;
  const s = new w.StreamDecryptor(enc('pw'), head(bad), tail(bad), bad.length);
  s.update(bad);
  check('damaged v2', throws(() => s.finish()) === 'Corrupt');
  postMessage(results);
}`;

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  after(() => finish(ctx, { errors: false }));

  test('the wasm bindings, called from a worker', async () => {
    const data = Object.fromEntries(Object.entries(fixtures).map(([k, v]) => [k, v.toString('base64')]));
    const results = await ctx.run((t, tests, data) => new Promise((resolve) => {
      const src = document.getElementById('worker-source').textContent + tests;
      const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      // The checks answer with an array; the worker's own messages to the page (asking
      // it to start helper workers) are not for this test.
      worker.onmessage = (e) => { if (Array.isArray(e.data)) resolve(e.data); };
      worker.onerror = (e) => resolve([{ name: 'worker error', ok: false, detail: e.message }]);
      setTimeout(() => resolve([{ name: 'no answer from the worker in 120 s', ok: false, detail: '' }]), 120000);
      worker.postMessage(data);
    }), TESTS, data);
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    for (const r of results) assert.ok(r.ok, `${r.name}: ${r.detail}`);
    assert.ok(results.length >= 20, `${results.length} checks ran`);
    assert.equal(byName['openssl sha256'].detail, sha256(sql));
    assert.equal(byName['v2 sha256'].detail, sha256(sql));
    assert.equal(byName['armoured sha256'].detail, sha256(sql));
  });

  test('the policy forbids any connection: fetch fails in the page and in its worker', async () => {
    const csp = await ctx.run(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'));
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /connect-src|'unsafe-inline'|'unsafe-eval'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
    const outcome = await ctx.run(async () => {
      const page = await fetch('https://example.com/').then(() => 'sent', (e) => e.name);
      const src = document.getElementById('worker-source').textContent +
        "\nonmessage = () => fetch('https://example.com/').then(() => postMessage('sent'), (e) => postMessage(e.name));";
      const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      const worker = await new Promise((resolve) => { w.onmessage = (e) => { if (typeof e.data === 'string') resolve(e.data); }; w.postMessage(0); });
      return { page, worker };
    });
    assert.deepEqual(outcome, { page: 'TypeError', worker: 'TypeError' });
  });
});
