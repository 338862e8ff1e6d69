// The page's worker. It reads the chosen File in slices (never whole), calls the
// wasm bindings for everything about the formats, and does one thing itself: bulk
// AES-CBC through WebCrypto, with the key, IVs and byte ranges chosen by wasm
// (FastDecryptor). Messages: inspect, open, run, cancel, close (see main.js).
// The tests of the bindings append their own code to this script and run it as a
// worker of their own (tests/browser/bindings.test.mjs).
'use strict';

const HEAD = 64 * 1024;
const TAIL = 64;
const FAST_CHUNK = 4 * 1024 * 1024;
const WASM_CHUNK = 1024 * 1024;
const IN_FLIGHT = 3;

// The wasm is inlined gzipped (see xtask): inflate it, then instantiate.
const ready = (async () => {
  const packed = Uint8Array.from(atob(WASM_GZIP_BASE64), (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  await wasm_bindgen({ module_or_path: await new Response(stream).arrayBuffer() });
  return wasm_bindgen;
})();

const reader = new FileReaderSync();
function slice(file, start, end) {
  return new Uint8Array(reader.readAsArrayBuffer(file.slice(start, end)));
}

const jobs = new Map();
const post = (m, transfer) => postMessage(m, transfer || []);

class Cancelled extends Error {
  constructor() { super('cancelled'); this.name = 'Cancelled'; }
}

onmessage = async (ev) => {
  const m = ev.data;
  try {
    const w = await ready;
    switch (m.op) {
      case 'inspect': return post({ op: 'info', id: m.id, info: describe(w, m.file) });
      case 'open': return post(open(w, m));
      case 'run': return await run(m);
      case 'cancel': { const j = jobs.get(m.id); if (j) j.cancelled = true; return; }
      case 'close': return close(m.id);
      case 'zip-open': return post(zipOpen(w, m));
      case 'zip-get': return post(zipGet(m), []);
      case 'zip-preview': return post({ op: 'zip-preview', id: m.id, index: m.index, text: zip(m.id).preview(m.index, 64 * 1024) });
      case 'zip-verify': return post({ op: 'zip-verified', id: m.id, integrity: zip(m.id).verify() });
    }
  } catch (e) {
    if (m.op === 'open' || m.op === 'inspect') close(m.id);
    post({ op: 'error', id: m.id, about: m.op, name: (e && e.name) || 'Error', message: String((e && e.message) || e) });
  }
};

function describe(w, file) {
  const head = slice(file, 0, HEAD);
  const tail = slice(file, Math.max(0, file.size - TAIL), file.size);
  const info = w.inspect(head, file.size, tail);
  info.outputName = w.outputName(file.name);
  info.backupDate = w.backupDate(file.name) || null;
  info.zipInside = w.zipInside(file.name);
  return info;
}

function open(w, m) {
  const file = m.file;
  const password = new Uint8Array(m.password);
  let fast, stream;
  try {
    const head = slice(file, 0, HEAD);
    const tail = slice(file, Math.max(0, file.size - TAIL), file.size);
    if (!m.forceWasm && self.crypto && crypto.subtle) {
      fast = w.FastDecryptor.open(password, head, tail, file.size);
    }
    if (!fast) stream = new w.StreamDecryptor(password, head, tail, file.size);
  } finally {
    // wasm has its own copy, wiped when the decryptor is dropped.
    password.fill(0);
  }
  jobs.set(m.id, { file, fast, stream, cancelled: false });
  return {
    op: 'opened', id: m.id, engine: fast ? 'WebCrypto + wasm' : 'wasm', options: fast ? fast.options || null : null,
  };
}

// ZIP browsers by card: random access to the ZIP inside a backup.
const zips = new Map();

function zipOpen(w, m) {
  const password = new Uint8Array(m.password);
  let browser;
  try {
    browser = w.ZipBrowser.open(password, m.file);
  } finally {
    password.fill(0);
  }
  const old = zips.get(m.id);
  if (old) old.free();
  zips.set(m.id, browser);
  return { op: 'zip-list', id: m.id, entries: browser.entries() };
}

function zipGet(m) {
  const parts = [];
  // The entry's CRC-32 and size are checked at the end; on failure nothing is offered.
  zip(m.id).extract(m.index, (chunk) => parts.push(new Blob([chunk])));
  return { op: 'zip-entry', id: m.id, index: m.index, blob: new Blob(parts, { type: 'application/octet-stream' }) };
}

function zip(id) {
  const z = zips.get(id);
  if (!z) throw new Error('the ZIP is not open');
  return z;
}

function close(id) {
  const j = jobs.get(id);
  if (!j) return;
  jobs.delete(id);
  if (j.fast) j.fast.free();
  if (j.stream) j.stream.free();
}

// Where the plaintext goes: a file the user picked (File System Access, constant
// memory, discarded on failure) or a Blob assembled from chunks.
async function sink(handle) {
  let out = null;
  if (handle) {
    // Some browsers cannot write a picked file from a worker: fall back to a Blob.
    try { out = await handle.createWritable(); } catch (_) { out = null; }
  }
  if (out) {
    return {
      write: (c) => out.write(c),
      close: async () => { await out.close(); return {}; },
      abort: async () => {
        await out.abort();
        // The picker may have created an empty file: do not leave it behind.
        try { if ((await handle.getFile()).size === 0 && handle.remove) await handle.remove(); } catch (_) { /* best effort */ }
      },
    };
  }
  let parts = [];
  return {
    write: (c) => { if (c.length) parts.push(new Blob([c])); },
    close: async () => ({ blob: new Blob(parts, { type: 'application/octet-stream' }) }),
    abort: async () => { parts = []; },
  };
}

const yieldToMessages = () => new Promise((r) => setTimeout(r, 0));

// Milliseconds spent in each stage of a run, for the benchmark (`profile: true` in the
// run message; the page itself never asks). A stage awaited while others run counts
// only the time the loop was blocked on it.
class Stages {
  constructor() { this.ms = {}; }
  time(stage, f) { const t = performance.now(); try { return f(); } finally { this.add(stage, t); } }
  async wait(stage, p) { const t = performance.now(); try { return await p; } finally { this.add(stage, t); } }
  add(stage, since) { this.ms[stage] = (this.ms[stage] || 0) + performance.now() - since; }
}
const UNTIMED = { time: (_, f) => f(), wait: (_, p) => p, add() {} };

async function run(m) {
  const job = jobs.get(m.id);
  if (!job) throw new Error('no such job');
  const out = await sink(m.handle);
  const stages = m.profile ? new Stages() : UNTIMED;
  const started = performance.now();
  let lastReport = 0;
  const progress = (done) => {
    const now = performance.now();
    if (now - lastReport > 100) {
      lastReport = now;
      post({ op: 'progress', id: m.id, done, total: job.file.size });
    }
  };
  try {
    const integrity = job.fast ? await runFast(job, out, progress, stages) : await runStream(job, out, progress, stages);
    const result = await stages.wait('close', out.close());
    post({
      op: 'done', id: m.id, integrity, blob: result.blob || null, ms: performance.now() - started, bytes: job.file.size,
      stages: stages.ms || null,
    });
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    close(m.id);
  }
}

async function runFast(job, out, progress, stages) {
  const fd = job.fast;
  const raw = fd.takeKey();
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, ['decrypt']);
  raw.fill(0);
  const end = fd.bulkEnd;
  let pos = fd.bulkStart;
  const pending = [];
  let n = 0;
  while (pos < end) {
    if (job.cancelled) throw new Cancelled();
    const len = Math.min(FAST_CHUNK, end - pos);
    const data = stages.time('read', () => slice(job.file, pos, pos + len));
    const buf = stages.time('copy', () => { const b = new Uint8Array(len + 16); b.set(data); return b; });
    const ivAndE = stages.time('absorb', () => fd.absorb(buf.subarray(0, len)));
    buf.set(ivAndE.subarray(16), len);
    const t = performance.now();
    pending.push(crypto.subtle.decrypt({ name: 'AES-CBC', iv: ivAndE.subarray(0, 16) }, key, buf)
      .then((r) => { stages.add('decrypt (latency, overlapped)', t); return r; }));
    stages.add('decrypt (call)', t);
    pos += len;
    if (pending.length >= IN_FLIGHT) {
      const plain = new Uint8Array(await stages.wait('decrypt (wait)', pending.shift()));
      await stages.wait('write', out.write(plain));
    }
    progress(pos);
    if (++n % 8 === 0) await stages.wait('yield', yieldToMessages());
  }
  while (pending.length) {
    const plain = new Uint8Array(await stages.wait('decrypt (wait)', pending.shift()));
    await stages.wait('write', out.write(plain));
  }
  if (job.cancelled) throw new Cancelled();
  await out.write(stages.time('finish', () => fd.finish(slice(job.file, end, fd.fileLen))));
  return fd.integrity;
}

async function runStream(job, out, progress, stages) {
  const d = job.stream;
  const size = job.file.size;
  let n = 0;
  for (let pos = 0; pos < size; pos += WASM_CHUNK) {
    if (job.cancelled) throw new Cancelled();
    const data = stages.time('read', () => slice(job.file, pos, Math.min(size, pos + WASM_CHUNK)));
    const plain = stages.time('wasm decrypt', () => d.update(data));
    await stages.wait('write', out.write(plain));
    progress(Math.min(size, pos + WASM_CHUNK));
    if (++n % 8 === 0) await yieldToMessages();
  }
  await out.write(d.finish());
  return d.integrity;
}
