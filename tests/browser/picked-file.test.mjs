// A write to the file the user picked fails (the disk is full: the browser's write
// rejects with QuotaExceededError, injected into the page's worker): the worker
// aborts, the picked file is removed, and the error says so. Over http://, where the
// origin-private file system stands in for the picked file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { workdir, opensslEncrypt, sqlDump, PAGE, openPage } from './playwright-lib.mjs';

const dir = workdir();
const enc = opensslEncrypt(dir, 'dump.sql.enc', sqlDump(3 * 1024 * 1024 + 3), 'pw');

let server;
let ctx;
before(async () => {
  const html = readFileSync(PAGE);
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  ctx = await openPage({ url: `http://127.0.0.1:${server.address().port}/backupcrypt.html`, removeSavePicker: false });
});
after(async () => {
  assert.deepEqual(ctx.requests, []);
  await ctx.close();
  server.close();
});

for (const engine of ['WebCrypto', 'wasm']) {
  test(`${engine}: a failed write removes the picked file and says so`, async () => {
    const outcome = await ctx.page.evaluate(async ({ bytes, forceWasm }) => {
      const file = new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], 'dump.sql.enc');
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle(`out-${forceWasm}.sql`, { create: true });
      const src = `${document.getElementById('worker-source').textContent}
FileSystemWritableFileStream.prototype.write = function () {
  return Promise.reject(new DOMException('no space left (test)', 'QuotaExceededError'));
};`;
      const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      const ask = (m, transfer) => new Promise((resolve) => {
        worker.onmessage = async (e) => {
          const r = e.data;
          if (r.op === 'read') {
            // As the page does: the worker asks for the file's bytes.
            const data = await r.file.slice(r.start, r.end).arrayBuffer();
            worker.postMessage({ op: 'bytes', req: r.req, data }, [data]);
          } else if (r.op !== 'progress' && r.op !== 'started') resolve(r);
        };
        worker.postMessage(m, transfer || []);
      });
      const password = new TextEncoder().encode('pw').buffer;
      const opened = await ask({ op: 'open', id: 1, file, password, forceWasm }, [password]);
      const error = await ask({ op: 'run', id: 1, handle });
      let left = 'present';
      try { await root.getFileHandle(`out-${forceWasm}.sql`); } catch (e) { left = e.name; }
      worker.terminate();
      return { opened: opened.op, engine: opened.engine, error, left };
    }, { bytes: readFileSync(enc).toString('base64'), forceWasm: engine === 'wasm' });
    assert.equal(outcome.opened, 'opened');
    assert.equal(outcome.engine, engine === 'wasm' ? 'wasm' : 'WebCrypto + wasm');
    assert.equal(outcome.error.op, 'error');
    assert.equal(outcome.error.name, 'QuotaExceededError');
    assert.equal(outcome.error.note, `The empty out-${engine === 'wasm'}.sql was removed.`);
    assert.equal(outcome.left, 'NotFoundError');
  });
}
