// The page's worker. It reads the chosen File in slices (never whole), calls the
// wasm bindings for everything about the formats, and does one thing itself: bulk
// AES-CBC through WebCrypto, with the key, IVs and byte ranges chosen by wasm
// (FastDecryptor). Messages: inspect, open, run, cancel, close (see main.js).
// The tests of the bindings append their own code to this script and run it as a
// worker of their own (tests/browser/bindings.test.mjs).
'use strict';

const HEAD = 64 * 1024;
const TAIL = 64;
const WASM_CHUNK = 1024 * 1024;

// The wasm is inlined gzipped (see xtask): inflate it, then instantiate.
const ready = (async () => {
  const packed = Uint8Array.from(atob(WASM_GZIP_BASE64), (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  const bytes = await new Response(stream).arrayBuffer();
  if (!WebAssembly.validate(bytes)) {
    const e = new Error('this browser cannot compile the page\'s WebAssembly');
    e.name = 'OldBrowser';
    throw e;
  }
  await wasm_bindgen({ module_or_path: bytes });
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
      case 'zip-bundle': return post(await zipBundle(w, m));
      case 'zip-cancel': { const b = bundles.get(m.id); if (b) b.cancelled = true; return; }
    }
  } catch (e) {
    if (m.op === 'open' || m.op === 'inspect') close(m.id);
    post({
      op: 'error', id: m.id, about: m.op, name: (e && e.name) || 'Error', message: String((e && e.message) || e),
      note: (e && e.note) || null,
    });
  }
};

function describe(w, file) {
  const head = slice(file, 0, HEAD);
  const tail = slice(file, Math.max(0, file.size - TAIL), file.size);
  let info;
  try {
    info = w.inspect(head, file.size, tail);
  } catch (e) {
    // No header: still an OpenSSL file if made with -nosalt or -S, which only the
    // options chosen on the page can open.
    if (e.name !== 'NotEncrypted') throw e;
    info = { notEncrypted: e.message, fileSize: file.size };
  }
  info.outputName = w.outputName(file.name);
  info.backupDate = w.backupDate(file.name) || null;
  info.zipInside = w.zipInside(file.name);
  return info;
}

// The password's UTF-8 bytes: as typed, or from a key file (`m.keyFile`), which the
// library decodes (AES Crypt key files are UTF-16). The caller wipes them.
function secret(w, m) {
  const given = new Uint8Array(m.password);
  if (!m.keyFile) return given;
  try {
    return w.keyFilePassword(given);
  } finally {
    given.fill(0);
  }
}

function open(w, m) {
  const file = m.file;
  const password = secret(w, m);
  let fast, stream;
  try {
    const head = slice(file, 0, HEAD);
    const tail = slice(file, Math.max(0, file.size - TAIL), file.size);
    if (!m.forceWasm && self.crypto && crypto.subtle) {
      fast = w.FastDecryptor.open(password, head, tail, file.size, m.openssl);
    }
    if (!fast) stream = new w.StreamDecryptor(password, head, tail, file.size, m.openssl);
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
  const password = secret(w, m);
  let browser;
  try {
    browser = w.ZipBrowser.open(password, m.file, m.openssl);
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

// Chosen entries as one plain ZIP, written by the library as it goes (a Blob made of
// its pieces); one entry at a time, so that Cancel (between entries) is heard.
const bundles = new Map();
async function zipBundle(w, m) {
  const from = zip(m.id);
  const job = { cancelled: false };
  bundles.set(m.id, job);
  const parts = [];
  const bundle = new w.ZipBundle((piece) => parts.push(new Blob([piece])));
  try {
    let bytes = 0;
    for (const [done, index] of m.indices.entries()) {
      if (job.cancelled) throw new Cancelled();
      bytes += bundle.add(from, index);
      post({ op: 'zip-progress', id: m.id, done: done + 1, bytes });
      await yieldToMessages();
    }
    if (job.cancelled) throw new Cancelled();
    bundle.finish();
    return { op: 'zip-bundled', id: m.id, count: m.indices.length, blob: new Blob(parts, { type: 'application/zip' }) };
  } finally {
    bundle.free();
    bundles.delete(m.id);
  }
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
      // Writes went to the browser's temporary copy, which abort discards: the picked
      // file holds no partial plaintext. The picker may have created it empty: remove
      // it where the browser can. Returns what happened to it, for the message.
      abort: async () => {
        try { await out.abort(); } catch (_) { /* already failed: nothing was committed */ }
        try {
          if ((await handle.getFile()).size > 0) return `${handle.name} was left as it was before.`;
          if (handle.remove) { await handle.remove(); return `The empty ${handle.name} was removed.`; }
          return `${handle.name} was left empty: delete it.`;
        } catch (_) {
          return `${handle.name} could not be checked: if it is there, delete it.`;
        }
      },
    };
  }
  let parts = [];
  return {
    // Plaintext comes as Blobs (fast path) or arrays (wasm): parts, never joined here.
    write: (c) => { if (c instanceof Blob) parts.push(c); else if (c.length) parts.push(new Blob([c])); },
    close: async () => ({ blob: new Blob(parts, { type: 'application/octet-stream' }) }),
    abort: async () => { parts = []; return null; },
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
  add(stage, since, ms = performance.now() - since) { this.ms[stage] = (this.ms[stage] || 0) + ms; }
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
    const integrity = job.fast
      ? await runFast(job, out, progress, stages, m.tuning)
      : await runStream(job, out, progress, stages);
    const result = await stages.wait('close', out.close());
    post({
      op: 'done', id: m.id, integrity, blob: result.blob || null, ms: performance.now() - started, bytes: job.file.size,
      stages: stages.ms || null,
    });
  } catch (e) {
    const note = await out.abort();
    if (note && e && typeof e === 'object') e.note = note;
    throw e;
  } finally {
    close(m.id);
  }
}

// The fast path's pipeline, all stages at once with a bounded number of chunks in
// each. Chromium runs a WebCrypto decryption on the calling thread, so a pool of
// decrypt workers reads the chunks, decrypts them with WebCrypto and turns the
// plaintext into Blobs, while this worker only feeds wasm the chunks in order (the
// HMAC; each chunk's IV and E) and hands the Blobs to the sink in order. When wasm
// needs every byte (AES Crypt: the HMAC), a chunk read by a decrypt worker comes here
// first and goes back to be decrypted; otherwise (OpenSSL) this worker reads only
// each chunk's last block, and the decrypt worker reads the chunk and decrypts it.
// Sizes chosen by measurement (benches/browser): most of the cost of reading a File
// slice, a WebCrypto call and making a Blob is per call, so chunks are large; at most
// readAhead + inFlight chunks are held at once, whatever the file's size. A run
// message may override them (`tuning`, for the benchmark).
const PIPELINE = {
  chunk: 16 * 1024 * 1024,
  readAhead: 2,
  inFlight: 3,
  workers: Math.max(2, Math.min(4, (self.navigator && navigator.hardwareConcurrency) || 2)),
};

async function runFast(job, out, progress, stages, tuning) {
  const { chunk, readAhead, inFlight, workers } = { ...PIPELINE, ...tuning };
  const fd = job.fast;
  const raw = fd.takeKey();
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, ['decrypt']);
  raw.fill(0);
  const { file } = job;
  const end = fd.bulkEnd;
  const whole = fd.needsBulk;
  const pool = await decryptPool(workers);
  const timed = (r) => {
    for (const [stage, ms] of Object.entries(r.ms)) stages.add(`decrypt worker: ${stage}`, 0, ms);
    return r;
  };
  const reads = [];
  let next = fd.bulkStart;
  const readMore = () => {
    while (reads.length < readAhead && next < end) {
      const range = { file, start: next, len: Math.min(chunk, end - next) };
      const bytes = whole
        ? pool.run({ op: 'read', ...range }).then((r) => timed(r).data)
        : file.slice(range.start + range.len - 16, range.start + range.len).arrayBuffer().then((b) => new Uint8Array(b));
      reads.push({ range, bytes: handled(bytes) });
      next += range.len;
    }
  };
  const decrypts = [];
  const writeOldest = async () => {
    const r = timed(await stages.wait('decrypt (wait)', decrypts.shift()));
    await stages.wait('write', out.write(r.blob));
  };
  readMore();
  while (reads.length) {
    if (job.cancelled) throw new Cancelled();
    const { range, bytes } = reads.shift();
    const buf = await stages.wait('read (wait)', bytes);
    readMore();
    let request;
    if (whole) {
      // The chunk and the 16 bytes after it, whose place E takes (no copy).
      const ivAndE = stages.time('absorb', () => fd.absorb(buf.subarray(0, range.len)));
      buf.set(ivAndE.subarray(16), range.len);
      request = { op: 'decrypt', key, iv: ivAndE.slice(0, 16), data: buf };
    } else {
      if (buf.length !== 16) throw changed();
      const ivAndE = stages.time('absorb', () => fd.absorbLast(range.len, buf));
      request = { op: 'decrypt', key, iv: ivAndE.slice(0, 16), e: ivAndE.slice(16), last: buf, ...range };
    }
    decrypts.push(handled(stages.time('post', () => pool.run(request))));
    if (decrypts.length >= inFlight) await writeOldest();
    progress(range.start + range.len);
  }
  while (decrypts.length) await writeOldest();
  if (job.cancelled) throw new Cancelled();
  await out.write(stages.time('finish', () => fd.finish(slice(file, end, fd.fileLen))));
  return fd.integrity;
}

// A promise whose rejection, if nobody awaits it any more (after a cancel or an
// earlier failure), is not reported as unhandled.
function handled(promise) {
  promise.catch(() => {});
  return promise;
}

function changed() {
  return new DOMException('the file changed while it was read', 'NotReadableError');
}

// What the decrypt workers do (and this worker, where it cannot start workers).
// 'read': a chunk of the File and the 16 bytes after it (there are always at least
// 16 more before the end of the file). 'decrypt': one WebCrypto AES-CBC decryption of
// a chunk given as bytes with E in its last 16, or as a File range read here with E
// put in place (after checking that its last block is the one wasm was given); the
// plaintext is returned as a Blob, made here, off the HMAC's worker.
async function chunkWork({ op, key, iv, data, file, start, len, last, e }) {
  const t0 = performance.now();
  if (!data) {
    data = new Uint8Array(await file.slice(start, start + len + 16).arrayBuffer());
    if (data.length !== len + 16) throw changed();
  }
  const t1 = performance.now();
  if (op === 'read') return { data, ms: { read: t1 - t0 } };
  if (last && data.subarray(len - 16, len).some((b, i) => b !== last[i])) throw changed();
  if (e) data.set(e, len);
  const plain = await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, data);
  const t2 = performance.now();
  const blob = new Blob([plain]);
  return { blob, ms: { read: t1 - t0, AES: t2 - t1, Blob: performance.now() - t2 } };
}

// A decrypt worker's message loop: one request per message, answered with its id.
function decryptWorker() {
  onmessage = async (ev) => {
    try {
      const r = ev.data.op === 'ping' ? {} : await chunkWork(ev.data);
      postMessage({ id: ev.data.id, ...r }, r.data ? [r.data.buffer] : []);
    } catch (err) {
      postMessage({ id: ev.data.id, error: { name: err.name, message: String(err.message) } });
    }
  };
}

// The decrypt workers, started once and kept; chunks go round-robin. Where workers
// cannot start workers (or they do not answer), chunks are decrypted here, one after
// another.
let pool = null;
let noPool = false;
async function decryptPool(size) {
  if (typeof Worker !== 'function' || size === 0 || noPool) return LOCAL_DECRYPT;
  if (!pool || pool.size !== size) {
    if (pool) pool.close();
    pool = new DecryptPool(size);
    const started = Promise.all(pool.workers.map(() => pool.run({ op: 'ping' })));
    pool.started = Promise.race([started, new Promise((_, no) => setTimeout(() => no(new Error('no answer')), 10000))]);
  }
  try {
    await pool.started;
    return pool;
  } catch (_) {
    pool.close();
    pool = null;
    noPool = true;
    return LOCAL_DECRYPT;
  }
}

class DecryptPool {
  constructor(size) {
    this.size = size;
    const source = `'use strict';\n${changed}\n${chunkWork}\n(${decryptWorker})();`;
    this.url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    this.waiting = new Map();
    this.nextId = 0;
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(this.url);
      w.onmessage = (ev) => {
        const { id, error } = ev.data;
        const p = this.waiting.get(id);
        this.waiting.delete(id);
        if (error) p.reject(Object.assign(new Error(error.message), { name: error.name }));
        else p.resolve(ev.data);
      };
      w.onerror = (ev) => {
        ev.preventDefault();
        for (const p of this.waiting.values()) p.reject(new Error(`a decrypt worker failed: ${ev.message}`));
        this.waiting.clear();
      };
      return w;
    });
  }

  run(request) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.size].postMessage({ id, ...request }, request.data ? [request.data.buffer] : []);
    });
  }

  close() {
    for (const w of this.workers) w.terminate();
    URL.revokeObjectURL(this.url);
  }
}

// Without nested workers: the same, one chunk at a time in this worker.
const LOCAL_DECRYPT = { run: chunkWork };

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
