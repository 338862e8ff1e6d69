// A write to the file the user picked fails (the disk is full: the browser's write
// rejects with QuotaExceededError, injected into a worker made from the page's worker
// source), in each engine that can write a file from a worker: the worker aborts, the
// picked file is removed (emptied where the engine cannot remove it: Firefox), and the
// error says so. Over http://, where the origin-private file system stands in for the
// picked file.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { workdir, opensslEncrypt, sqlDump, eachEngine, openPage, servePage, WRITE_CAPABILITY } from './lib.mjs';

const dir = workdir();
const enc = opensslEncrypt(dir, 'dump.sql.enc', sqlDump(3 * 1024 * 1024 + 3), 'pw');

eachEngine((engine, test) => {
  let server;
  let ctx;
  let can;
  before(async () => {
    server = await servePage();
    ctx = await openPage(engine, { url: server.url, removeSavePicker: false });
    // A picked file is written from the page's worker (createWritable); an engine
    // without that (WebKit) must not offer a save dialog either, so the page never
    // has a picked file there and saves through its Save link (page.test.mjs).
    can = await ctx.run(WRITE_CAPABILITY);
  });
  after(async () => {
    assert.deepEqual(await ctx.requests(), []);
    await ctx.close();
    await server.close();
  });

  for (const forceWasm of [false, true]) {
    test(`${forceWasm ? 'wasm' : 'WebCrypto'}: a failed write removes the picked file (or empties it) and says so`, async () => {
      if (!can.writable) {
        assert.equal(can.picker, false, `[${engine}] a save dialog without a way to write the picked file`);
        return;
      }
      const outcome = await ctx.run(async (t, bytes, forceWasm) => {
        const file = new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], 'dump.sql.enc');
        const root = await navigator.storage.getDirectory();
        const name = `out-${forceWasm}.sql`;
        const handle = await root.getFileHandle(name, { create: true });
        const src = `${document.getElementById('worker-source').textContent}
FileSystemWritableFileStream.prototype.write = function () {
  return Promise.reject(new DOMException('no space left (test)', 'QuotaExceededError'));
};`;
        const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        const ask = (m, transfer) => new Promise((resolve) => {
          worker.onmessage = async (e) => {
            const r = e.data;
            if (r.op === 'read') {
              // The worker asks the page for the file's bytes, as it asks the page.
              const data = await r.file.slice(r.start, r.end).arrayBuffer();
              worker.postMessage({ op: 'bytes', req: r.req, data }, [data]);
            } else if (r.op !== 'progress' && r.op !== 'started' && !r.op.startsWith('helpers-')) {
              // (A request to start helper workers goes unanswered here: after 10 s
              // the worker decrypts and writes on its own thread.)
              resolve(r);
            }
          };
          worker.postMessage(m, transfer || []);
        });
        const password = new TextEncoder().encode('pw').buffer;
        const opened = await ask({ op: 'open', id: 1, file, password, forceWasm }, [password]);
        const error = await ask({ op: 'run', id: 1, handle });
        let left;
        try { left = `${(await (await root.getFileHandle(name)).getFile()).size} bytes`; } catch (e) { left = e.name; }
        worker.terminate();
        return { opened: opened.op, error, left, name };
      }, readFileSync(enc).toString('base64'), forceWasm);
      assert.equal(outcome.opened, 'opened');
      assert.equal(outcome.error.op, 'error');
      assert.equal(outcome.error.name, 'QuotaExceededError');
      // Removed where the engine can remove a picked file (Chromium: handle.remove()),
      // else left empty; the note says which.
      if (outcome.left === 'NotFoundError') assert.equal(outcome.error.note, `The empty ${outcome.name} was removed.`);
      else {
        assert.equal(outcome.left, '0 bytes');
        assert.equal(outcome.error.note, `${outcome.name} was left empty: delete it.`);
      }
      if (engine === 'chromium') assert.equal(outcome.left, 'NotFoundError', 'Chromium can remove it');
    });
  }
});
