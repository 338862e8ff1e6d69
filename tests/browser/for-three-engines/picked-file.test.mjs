// A write to the file the user picked fails (the disk is full: the browser's write
// rejects with QuotaExceededError, injected into a worker made from the page's worker
// source), in each engine that can write a file from a worker: the worker aborts, the
// picked file is removed, and the error says so. Over http://, where the
// origin-private file system stands in for the picked file.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { workdir, opensslEncrypt, sqlDump, PAGE, eachEngine, openPage } from '../lib.mjs';

const dir = workdir();
const enc = opensslEncrypt(dir, 'dump.sql.enc', sqlDump(3 * 1024 * 1024 + 3), 'pw');

eachEngine((engine, test) => {
  let server;
  let ctx;
  before(async () => {
    const html = readFileSync(PAGE);
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    ctx = await openPage(engine, { url: `http://127.0.0.1:${server.address().port}/backupcrypt.html`, removeSavePicker: false });
  });
  after(async () => {
    assert.deepEqual(await ctx.requests(), []);
    await ctx.close();
    server.close();
  });

  for (const forceWasm of [false, true]) {
    test(`${forceWasm ? 'wasm' : 'WebCrypto'}: a failed write removes the picked file and says so`, async () => {
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
            } else if (r.op !== 'progress' && r.op !== 'started') {
              resolve(r);
            }
          };
          worker.postMessage(m, transfer || []);
        });
        const password = new TextEncoder().encode('pw').buffer;
        const opened = await ask({ op: 'open', id: 1, file, password, forceWasm }, [password]);
        const error = await ask({ op: 'run', id: 1, handle });
        let left = 'present';
        try { await root.getFileHandle(name); } catch (e) { left = e.name; }
        worker.terminate();
        return { opened: opened.op, error, left, name };
      }, readFileSync(enc).toString('base64'), forceWasm);
      assert.equal(outcome.opened, 'opened');
      assert.equal(outcome.error.op, 'error');
      assert.equal(outcome.error.name, 'QuotaExceededError');
      assert.equal(outcome.error.note, `The empty ${outcome.name} was removed.`);
      assert.equal(outcome.left, 'NotFoundError');
    });
  }
});
