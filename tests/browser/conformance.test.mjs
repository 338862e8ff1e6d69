// The conformance table (tests/conformance/cases.json) through the page's wasm
// bindings, called inside a worker made from the page's own worker script (as
// bindings.test.mjs does): the same answers as the library and the CLI
// (tests/conformance.rs): format, OpenSSL guess, output name, and for the cases
// that have them each ZIP entry's safety verdict (ZipBrowser) and the content
// check after a full decryption (StreamDecryptor into ContentCheck). Any
// divergence fails with the case's name.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { eachEngine, finish, openPage } from './lib.mjs';

const table = JSON.parse(readFileSync(new URL('../conformance/cases.json', import.meta.url), 'utf8'));

const TESTS = String.raw`
onmessage = async (ev) => {
  const w = await ready;
  const { password, cases } = ev.data;
  const enc = (s) => new TextEncoder().encode(s);
  const answers = cases.map((c) => {
    const bytes = Uint8Array.from(atob(c.bytes_b64), (ch) => ch.charCodeAt(0));
    const head = bytes.subarray(0, 65536);
    const tail = bytes.subarray(Math.max(0, bytes.length - 64));
    let guess;
    try { guess = w.guessOptions(enc(c.password || password), head, tail, bytes.length) ?? null; } catch (e) { guess = 'threw ' + e.name; }
    // The page names a file it cannot name by the rule "<name>.decrypted".
    const out = w.outputName(c.file);
    const pw = enc(c.password || password);
    const threw = (e) => 'threw ' + e.name + ': ' + e.message;
    // Entry safety: the ZIP browser's verdict on each entry, as the page shows it.
    let entries = null;
    if (c.expect.entries) {
      try {
        const zip = w.ZipBrowser.open(pw, (start, end) => bytes.slice(start, end), bytes.length, undefined);
        entries = Array.from(zip.entries(), (e) => [e.name, e.unsafe ?? null]);
        zip.free();
      } catch (e) { entries = threw(e); }
    }
    // Content: the whole file through the streaming decryptor into the content check.
    let content = null;
    if (c.expect.content) {
      try {
        const d = new w.StreamDecryptor(pw, head, tail, bytes.length, undefined);
        const check = new w.ContentCheck();
        check.feed(d.update(bytes));
        check.feed(d.finish());
        const found = check.finish();
        content = { kind: found.kind, complete: found.complete };
      } catch (e) { content = threw(e); }
    }
    return { name: c.name, format: w.sniffKind(head), guess, plaintext_name: out === c.file + '.decrypted' ? null : out, entries, content };
  });
  postMessage(answers);
};`;

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  after(() => finish(ctx, { errors: false }));

  test('the wasm bindings give the conformance table\'s answers', async () => {
    const answers = await ctx.run((t, tests, data) => new Promise((resolve) => {
      const src = document.getElementById('worker-source').textContent + tests;
      const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      // The answers are an array; the worker's own messages to the page are not.
      worker.onmessage = (e) => { if (Array.isArray(e.data)) resolve(e.data); };
      worker.onerror = (e) => resolve([{ name: 'worker error', error: e.message }]);
      setTimeout(() => resolve([{ name: 'no answer from the worker in 120 s' }]), 120000);
      worker.postMessage(data);
    }), TESTS, table);
    const failures = [];
    assert.equal(answers.length, table.cases.length, `[${engine}] ${JSON.stringify(answers)}`);
    table.cases.forEach((c, i) => {
      for (const q of ['format', 'guess', 'plaintext_name', 'entries', 'content']) {
        // Entry safety and content are asked only of the cases that give them.
        // Compared as values: WebKit's driver hands objects back with their keys reordered.
        if (q in c.expect && !isDeepStrictEqual(answers[i][q], c.expect[q])) {
          failures.push(`[${engine}] ${c.name}: ${q} via wasm: got ${JSON.stringify(answers[i][q])}, the table says ${JSON.stringify(c.expect[q])}`);
        }
      }
    });
    assert.deepEqual(failures, []);
  });
});
