// The page's worker. It asks the page for the chosen file's bytes in slices (never
// whole), calls the wasm bindings for everything about the formats, and does one
// thing itself: bulk AES-CBC through WebCrypto, with the key, IVs and byte ranges
// chosen by wasm (FastDecryptor). Messages: inspect, open, run, cancel, close, zip-*
// (see main.js); it asks `read` and the page answers `bytes`.
//
// No worker here ever reads a Blob or File: on a file:// page WebKit refuses every
// such read inside a worker (FileReaderSync, blob.stream(), arrayBuffer(), even of a
// Blob the worker made), while reads on the page's main thread work everywhere. So
// the page reads each slice and transfers its ArrayBuffer here; the worker decides
// what to read and when, which bounds what is held at once.
// The tests of the bindings append their own code to this script and run it as a
// worker of their own (tests/browser/bindings.test.mjs).
'use strict';

const HEAD = 64 * 1024;
const TAIL = 64;
const WASM_CHUNK = 1024 * 1024;

// The wasm is inlined gzipped (see xtask): inflate it, then instantiate.
const ready = (async () => {
  const packed = Uint8Array.from(atob(WASM_GZIP_BASE64), (c) => c.charCodeAt(0));
  // From an ArrayBuffer, not a Blob (see above).
  const stream = new Response(packed).body.pipeThrough(new DecompressionStream('gzip'));
  const bytes = await new Response(stream).arrayBuffer();
  if (!WebAssembly.validate(bytes)) {
    const e = new Error('this browser cannot compile the page\'s WebAssembly');
    e.name = 'OldBrowser';
    throw e;
  }
  await wasm_bindgen({ module_or_path: bytes });
  return wasm_bindgen;
})();

// Reads by the page: `read` names the File (sent back as it came: a handle, not its
// bytes) and the range; the page answers `bytes` with the ArrayBuffer transferred.
const reads = new Map();
let nextRead = 0;
// The page's time reading slices (it says so under `#profile`), summed; a run takes
// the difference for its profile.
let pageReadMs = 0;
function slice(file, start, end) {
  const req = nextRead++;
  const answer = new Promise((resolve, reject) => {
    reads.set(req, { resolve, reject });
    postMessage({ op: 'read', req, file, start, end });
  });
  return within(answer, STALL_MS, 'the page did not hand over the file\'s bytes').then((buffer) => {
    const bytes = new Uint8Array(buffer);
    if (bytes.length !== Math.min(end, file.size) - start) throw changed();
    return bytes;
  }, (e) => { reads.delete(req); throw e; });
}
function delivered(m) {
  const r = reads.get(m.req);
  if (!r) return;
  reads.delete(m.req);
  if (m.ms) pageReadMs += m.ms;
  if (m.error) r.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
  else r.resolve(m.data);
}

// A stage that has not finished after this long is reported, not waited for (every
// stage moves at most 16 MiB; on a slow machine that takes well under a second).
// (`#stall-ms=N` on the page lowers it, for the test of this watchdog.)
let STALL_MS = 60000;
const stalled = (what, ms) => Object.assign(new Error(`${what} in ${ms / 1000} s`), { name: 'Stalled' });
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, no) => {
    timer = setTimeout(() => no(stalled(what, ms)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// The same for a whole decryption, whatever step it is in: it fails (saying which
// step it was in) when it has not moved on for `ms`. `poke` says it moved on.
function watchdog(ms, where) {
  let timer;
  let fail;
  const late = handled(new Promise((_, no) => { fail = no; }));
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(stalled(`the decryption did not move on (last step: ${where()})`, ms)), ms);
  };
  poke();
  return { late, poke, stop: () => clearTimeout(timer) };
}

const jobs = new Map();
const post = (m, transfer) => postMessage(m, transfer || []);

class Cancelled extends Error {
  constructor() { super('cancelled'); this.name = 'Cancelled'; }
}

onmessage = async (ev) => {
  const m = ev.data;
  if (m.op === 'bytes') return delivered(m);
  if (m.op === 'helpers-answer') {
    const h = helpers.get(m.group);
    if (h && h.number === m.number) h.answered(m.answer);
    return;
  }
  if (m.op === 'stall-ms') { STALL_MS = m.ms; return; }
  if (m.op === 'ping') return post({ op: 'pong' });
  try {
    const w = await within(ready, STALL_MS, 'the page\'s WebAssembly did not load');
    switch (m.op) {
      case 'inspect': return post({ op: 'info', id: m.id, info: await within(describe(w, m.file), STALL_MS, 'reading the header did not finish') });
      case 'decryptable': return post({ op: 'decryptable', id: m.id, asked: m.asked, yes: await decryptable(w, m) });
      case 'open': return post(await within(open(w, m), STALL_MS, 'checking the password did not finish'));
      case 'run': return post(await run(m));
      case 'cancel': { const j = jobs.get(m.id); if (j) j.cancelled = true; return; }
      case 'close': return close(m.id);
      case 'zip-open': return post(await zipOpen(w, m));
      case 'zip-get': return post(await zipGet(m), []);
      case 'zip-preview': return post(await zipPreview(m));
      case 'zip-verify': return post({ op: 'zip-verified', id: m.id, ...(await zipVerify(m)) });
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

// A message from the page that cannot be read (its id with it): every job fails.
onmessageerror = () => post({ op: 'fatal', message: 'the page\'s worker could not read a message' });

async function describe(w, file) {
  const [head, tail] = await headAndTail(file);
  let info;
  try {
    info = w.inspect(head, file.size, tail);
  } catch (e) {
    // No header: still an OpenSSL file if made with -nosalt or -S, which only the
    // options chosen on the page can open.
    if (e.name !== 'NotEncrypted') throw e;
    info = { notEncrypted: e.message, fileSize: file.size };
  }
  // Whether Decrypt can be offered before any OpenSSL option is chosen.
  info.decryptable = w.decryptable(head, undefined);
  // Whether the output can go to private storage: the page says so before Decrypt.
  info.storage = await within(storageWorks, STALL_MS, 'the browser\'s private storage did not answer');
  info.outputName = w.outputName(file.name);
  info.backupDate = w.backupDate(file.name) || null;
  info.zipInside = w.zipInside(file.name);
  return info;
}

// Whether Decrypt can be offered with the OpenSSL options now chosen (`m.openssl`,
// the form's values): the library's answer (a file without a header only with
// -nosalt or -S).
async function decryptable(w, m) {
  return w.decryptable(await slice(m.file, 0, Math.min(HEAD, m.file.size)), m.openssl);
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

const headAndTail = (file) => Promise.all([
  slice(file, 0, Math.min(HEAD, file.size)), slice(file, Math.max(0, file.size - TAIL), file.size),
]);

async function open(w, m, jobId = m.id) {
  close(jobId);
  const file = m.file;
  const password = m.secret || secret(w, m);
  let fast, stream;
  try {
    const [head, tail] = await headAndTail(file);
    if (!m.forceWasm && self.crypto && crypto.subtle) {
      fast = w.FastDecryptor.open(password, head, tail, file.size, m.openssl);
    }
    if (!fast) stream = new w.StreamDecryptor(password, head, tail, file.size, m.openssl);
  } finally {
    // wasm has its own copy, wiped when the decryptor is dropped.
    password.fill(0);
  }
  jobs.set(jobId, { file, fast, stream, cancelled: false });
  return {
    op: 'opened', id: m.id, engine: fast ? 'WebCrypto + wasm' : 'wasm', options: fast ? fast.options || null : null,
  };
}

// ZIP browsers by card: random access to the ZIP inside a backup. The wasm reads
// synchronously, the page answers asynchronously: each call runs over the ranges
// fetched so far and, if it needed one more, is run again once that range is here.
const zips = new Map();

// The ranges fetched for one card's ZIP browser, in 1 MiB pieces. A call that misses
// fetches the piece it missed and, the more it misses, the more pieces after it (1,
// 2, 4, … MiB: a large entry costs a few retries, not one per MiB). What a call
// fetched is dropped once it is done, so memory follows the largest entry read.
const PIECE = 1024 * 1024;
class Fetched {
  constructor(file) {
    this.file = file;
    this.pieces = new Map();
    this.missing = null;
    this.read = (start, end) => this.take(start, end);
  }

  take(start, end) {
    const out = new Uint8Array(end - start);
    for (let at = start; at < end;) {
      const i = Math.floor(at / PIECE);
      const piece = this.pieces.get(i);
      if (!piece) {
        this.missing = i;
        throw new Error('not fetched yet');
      }
      const from = at - i * PIECE;
      const n = Math.min(end - at, piece.length - from);
      if (!(n > 0)) throw changed(); // Never loop: a piece shorter than the file said.
      out.set(piece.subarray(from, from + n), at - start);
      at += n;
    }
    return out;
  }

  async fetch(ahead) {
    const first = this.missing;
    let last = first;
    while (last + 1 < first + ahead && (last + 1) * PIECE < this.file.size && !this.pieces.has(last + 1)) last++;
    const start = first * PIECE;
    const bytes = await slice(this.file, start, Math.min(this.file.size, (last + 1) * PIECE));
    for (let i = first; i <= last; i++) this.pieces.set(i, bytes.subarray((i - first) * PIECE, (i + 1 - first) * PIECE));
  }

  // Runs `call` until it no longer misses a range; `fresh` starts each attempt over
  // (a sink drops what the failed attempt gave it).
  async retrying(call, fresh = () => {}) {
    try {
      for (let ahead = 1; ; ahead = Math.min(ahead * 2, 1024)) {
        this.missing = null;
        fresh();
        try {
          return call();
        } catch (e) {
          if (this.missing === null) throw e;
          await this.fetch(ahead);
        }
      }
    } finally {
      this.pieces.clear();
    }
  }
}

async function zipOpen(w, m) {
  const fetched = new Fetched(m.file);
  const password = secret(w, m);
  let browser;
  try {
    browser = await fetched.retrying(() => w.ZipBrowser.open(password, fetched.read, m.file.size, m.openssl));
    // "Verify whole backup" is one full decryption pass with nothing kept: its
    // decryptor is opened now, while the password is here, and run on request.
    await open(w, { file: m.file, secret: password, openssl: m.openssl }, `zip ${m.id}`);
  } finally {
    password.fill(0);
  }
  const old = zips.get(m.id);
  if (old) old.browser.free();
  zips.set(m.id, { browser, fetched, verified: null });
  return { op: 'zip-list', id: m.id, entries: browser.entries() };
}

async function zipGet(m) {
  const z = zip(m.id);
  let parts;
  // The entry's CRC-32 and size are checked at the end; on failure nothing is offered.
  await z.fetched.retrying(() => z.browser.extract(m.index, (chunk) => parts.push(new Blob([chunk]))), () => { parts = []; });
  return { op: 'zip-entry', id: m.id, index: m.index, blob: new Blob(parts, { type: 'application/octet-stream' }) };
}

async function zipPreview(m) {
  const z = zip(m.id);
  const text = await z.fetched.retrying(() => z.browser.preview(m.index, 64 * 1024));
  return { op: 'zip-preview', id: m.id, index: m.index, text };
}

async function zipVerify(m) {
  const z = zip(m.id);
  // Once per opening (the decryptor is used up); the outcome is kept.
  if (!z.verified) z.verified = run({ id: `zip ${m.id}`, discard: true })
    .then((r) => ({ integrity: r.integrity, verdict: r.verdict }));
  return z.verified;
}

// Chosen entries as one plain ZIP, written by the library as it goes (a Blob made of
// its pieces); one entry at a time, so that Cancel (between entries) is heard. The
// writer cannot take an entry back, so each entry's ranges are fetched first (a dry
// extraction, retried until nothing is missing) and then added in one go.
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
      bytes += await from.fetched.retrying(() => {
        from.browser.extract(index, () => {});
        return bundle.add(from.browser, index);
      });
      post({ op: 'zip-progress', id: m.id, done: done + 1, bytes });
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
// memory, discarded on failure); else, where the origin-private file system can be
// written from here (Firefox, and WebKit over http://), a file of its own, offered
// for saving from there (constant memory; removed on failure); else a Blob assembled
// from chunks (the engine's memory, or its disk where it pages Blobs out: Chromium).
async function sink(handle, memoryOnly) {
  let out = null;
  if (handle) {
    // Some browsers cannot write a picked file from a worker: fall back.
    try { out = await handle.createWritable(); } catch (_) { out = null; }
  }
  if (out) {
    return {
      where: 'picked',
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
  const spill = memoryOnly ? null : await spillFile();
  if (spill) return spill;
  let parts = [];
  return {
    where: 'memory',
    // Plaintext comes as arrays, each kept as a Blob of its own (never joined here:
    // the engine may page Blobs out).
    write: (c) => { if (c.length) parts.push(new Blob([c])); },
    close: async () => ({ blob: new Blob(parts, { type: 'application/octet-stream' }) }),
    abort: async () => { parts = []; return null; },
  };
}

// The origin-private file system, where a worker can write it synchronously.
// Outputs are named by the time they were made; those older than a day (left by a
// closed tab) are removed when the page starts.
const SPILL_DIR = 'backupcrypt-output';
const SPILL_KEEP_MS = 24 * 3600 * 1000;
async function spillDir() {
  if (!(self.navigator && navigator.storage && navigator.storage.getDirectory)) return null;
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(SPILL_DIR, { create: true });
  } catch (_) {
    return null; // Not from this origin (file:// in Chromium and WebKit).
  }
}
(async () => {
  const dir = await spillDir();
  if (!dir || !dir.keys) return;
  for await (const name of dir.keys()) {
    if (Date.now() - Number(name.split('-')[0]) > SPILL_KEEP_MS) await dir.removeEntry(name).catch(() => {});
  }
})().catch(() => {});

// Whether a file of its own can be made and written there (asked once, at start).
const storageWorks = (async () => {
  const s = await spillFile();
  if (!s) return false;
  await s.abort();
  return true;
})().catch(() => false);

async function spillFile() {
  const dir = await spillDir();
  if (!dir) return null;
  const name = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let file;
  try {
    file = await dir.getFileHandle(name, { create: true });
  } catch (_) {
    return null;
  }
  const out = (await writtenByWriter(name)) || (await writtenHere(file));
  if (!out) {
    await dir.removeEntry(name).catch(() => {});
    return null;
  }
  return {
    where: 'storage',
    write: out.write,
    close: async () => { await out.close(); return { blob: await file.getFile() }; },
    abort: async () => {
      await out.abort();
      await dir.removeEntry(name).catch(() => {});
    },
  };
}

// Written by the page's storage writer (see Helpers), off this worker's thread: the
// writes then overlap this worker's own work (the HMAC, the content check). A
// synchronous handle is the fast way to write there, and only a worker may hold one.
async function writtenByWriter(name) {
  const writer = await helperGroup('storage', 1, 'storageWork');
  if (!writer) return null;
  try {
    await writer.run({ op: 'open', dir: SPILL_DIR, name });
  } catch (_) {
    return null;
  }
  let at = 0;
  return {
    write: (c) => {
      const data = movable(c);
      const piece = { op: 'write', name, at, data };
      at += data.byteLength; // Before it moves (a moved buffer's length is 0).
      return writer.run(piece);
    },
    close: () => writer.run({ op: 'close', name }),
    // A writer that stopped answering holds the file: it goes with the day-old ones.
    abort: () => (writer.broken ? Promise.resolve() : writer.run({ op: 'close', name }).catch(() => {})),
  };
}

// Written on this worker's thread, synchronously (where the page cannot start a writer).
async function writtenHere(file) {
  let access;
  try {
    access = await file.createSyncAccessHandle();
  } catch (_) {
    return null;
  }
  let at = 0;
  return {
    write: (c) => {
      // A full disk or quota throws here: the run fails and the file is removed.
      const n = access.write(c, { at });
      if (n !== c.byteLength) throw Object.assign(new Error('the browser\'s storage is full'), { name: 'QuotaExceededError' });
      at += n;
    },
    close: async () => { access.close(); },
    abort: async () => {
      try { access.close(); } catch (_) { /* closed */ }
    },
  };
}

// What the storage writer does with each request: opens an output file (a synchronous
// handle), writes a piece of it where it goes, or closes it. Never flushed: the bytes
// written are read back from the same file, and a copy that only lives until it is
// saved need not reach the disk first (flushing 256 MiB took 0.45-0.6 s in Firefox, a
// sixth of the whole decryption).
async function storageWork({ op, dir, name, at, data }) {
  const files = storageWork.files || (storageWork.files = new Map());
  if (op === 'open') {
    const d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    files.set(name, await (await d.getFileHandle(name)).createSyncAccessHandle());
  } else if (op === 'write') {
    // A full disk or quota throws here: the run fails and the file is removed.
    const n = files.get(name).write(data, { at });
    if (n !== data.byteLength) throw Object.assign(new Error('the browser\'s storage is full'), { name: 'QuotaExceededError' });
  } else if (op === 'close') {
    const access = files.get(name);
    files.delete(name);
    if (access) access.close();
  }
  return {};
}

// `c` as bytes that can be moved to another thread: itself where it has its buffer to
// itself (the sinks are handed their bytes: no caller touches them after), else a copy.
const movable = (c) => (c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : c.slice());

// The functions the page's helper workers run (see Helpers).
const helperSource = [chunkWork, storageWork].join('\n');

// Milliseconds spent in each stage of a run, for the benchmark (`profile: true` in the
// run message; the page itself never asks). A stage awaited while others run counts
// only the time the loop was blocked on it.
// Both say which step the run is waiting on (`now`), for the watchdog's message.
class Stages {
  constructor() { this.ms = {}; this.now = 'starting'; }
  time(stage, f) { const t = performance.now(); try { return f(); } finally { this.add(stage, t); } }
  async wait(stage, p) {
    const t = performance.now();
    this.now = stage;
    try { return await p; } finally { this.add(stage, t); }
  }
  add(stage, since, ms = performance.now() - since) { this.ms[stage] = (this.ms[stage] || 0) + ms; }
}
// Without `profile`: the steps are still named (for the watchdog), not timed.
class Untimed extends Stages {
  constructor() { super(); this.ms = null; }
  time(_, f) { return f(); }
  add() {}
}

// Decrypts job `m.id` whole into the sink (or nowhere: `discard`, for verifying);
// answers the `done` message.
async function run(m) {
  const job = jobs.get(m.id);
  if (!job) throw new Error('no such job');
  const out = m.discard ? DISCARD : await sink(m.handle, m.memoryOnly);
  if (out.where === 'memory' && m.memory && m.memory.need > m.memory.limit) {
    // The card refused already; this is for an output that ends up in memory anyway.
    await out.abort();
    close(m.id);
    throw Object.assign(new Error(`the decrypted file (up to ${m.memory.need} bytes) would be held in memory, `
      + `more than the ${m.memory.limit} bytes allowed here`), { name: 'TooLarge' });
  }
  if (!m.discard) post({ op: 'started', id: m.id, where: out.where, bytes: job.file.size });
  const stages = m.profile ? new Stages() : new Untimed();
  const started = performance.now();
  const readBefore = pageReadMs;
  // A run that stops moving (a read, a decrypt worker, a write that never answers)
  // fails with a message instead of leaving the card's spinner running.
  const dog = watchdog(STALL_MS, () => stages.now);
  let lastReport = 0;
  const progress = (done) => {
    dog.poke();
    const now = performance.now();
    if (now - lastReport > 100) {
      lastReport = now;
      post({ op: 'progress', id: m.id, done, total: job.file.size });
    }
  };
  try {
    // What the library made of it all (the checks and the content, as `verify`
    // words it): read from the decryptor before it is freed.
    const { integrity, verdict } = await Promise.race([dog.late, handled(job.fast
      ? runFast(job, out, progress, stages, m.tuning)
      : runStream(job, out, progress, stages))]);
    dog.poke();
    const result = await Promise.race([dog.late, stages.wait('close', out.close())]);
    stages.add('page: slice reads (in parallel)', 0, pageReadMs - readBefore);
    return {
      op: 'done', id: m.id, integrity, verdict, blob: result.blob || null, ms: performance.now() - started,
      bytes: job.file.size, stages: stages.ms || null,
    };
  } catch (e) {
    // A stalled run's steps may still be waiting: stop its loop at the next chunk.
    // (The decrypt workers are kept unless one of them stalled: see Helpers.)
    job.cancelled = true;
    const note = await within(out.abort(), STALL_MS, 'removing the partial output did not finish').catch(() => null);
    if (note && e && typeof e === 'object') e.note = note;
    throw e;
  } finally {
    dog.stop();
    close(m.id);
  }
}

const DISCARD = { write() {}, close: async () => ({}), abort: async () => {} };

// The fast path's pipeline, all stages at once with a bounded number of chunks in
// each. Chromium runs a WebCrypto decryption on the calling thread, so a pool of
// decrypt workers decrypts the chunks with WebCrypto and hands the plaintext back,
// while this worker asks the page for the chunks, feeds wasm the chunks in order
// (AES Crypt: every byte, for the HMAC; OpenSSL: each chunk's last block) for each
// chunk's IV and E, shows wasm each chunk's plaintext in order (the content check)
// and hands it to the sink in order. Each chunk is
// read with the 16 bytes after it (there are always at least 16 more before the end
// of the file), whose place E takes: the ArrayBuffer moves from the page to this
// worker to a decrypt worker without a copy.
// Sizes chosen by measurement (benches/browser): most of the cost of reading a file
// slice, a WebCrypto call and making a Blob is per call, so chunks are large; at most
// readAhead + inFlight chunks are held at once, whatever the file's size. The page's
// reads are the slowest step in WebKit from file:// (its main thread reads through
// another process), and there four slices in flight read 20-30 % faster than two,
// while Chromium and Firefox read as fast either way (measured in the same runs). A
// run message may override them (`tuning`, `#pipeline=` on the page: the benchmark).
const PIPELINE = {
  chunk: 16 * 1024 * 1024,
  readAhead: 4,
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
  // Decrypt workers hand back bytes, never a Blob: Chromium loses Blobs made there now
  // and then (every later read of them, by a picked file's writer or the Save link,
  // fails with NotReadableError; from about 300 MiB in a run, reproduced here). Where
  // Blobs are wanted (in memory), the sink makes them, here.
  const timed = (r) => {
    for (const [stage, ms] of Object.entries(r.ms)) stages.add(pool === LOCAL_DECRYPT ? `${stage} (here)` : `decrypt worker: ${stage}`, 0, ms);
    return r;
  };
  const reads = [];
  let next = fd.bulkStart;
  const readMore = () => {
    while (reads.length < readAhead && next < end) {
      const range = { start: next, len: Math.min(chunk, end - next) };
      reads.push({ range, bytes: handled(slice(file, range.start, range.start + range.len + 16)) });
      next += range.len;
    }
  };
  const decrypts = [];
  // One write at a time, in order, each running while this loop goes on (HMAC, reads):
  // a sink that writes asynchronously (a picked file) does its work off this thread.
  let writing = Promise.resolve();
  const writeOldest = async () => {
    const r = timed(await stages.wait('decrypt (wait)', decrypts.shift()));
    stages.time('content check', () => fd.plaintext(r.data));
    await stages.wait('write (wait)', writing);
    writing = handled(stages.time('write', () => Promise.resolve(out.write(r.data))));
  };
  readMore();
  while (reads.length) {
    if (job.cancelled) throw new Cancelled();
    const { range, bytes } = reads.shift();
    const buf = await stages.wait('read (wait)', bytes);
    readMore();
    const ivAndE = stages.time('absorb', () => (whole
      ? fd.absorb(buf.subarray(0, range.len))
      : fd.absorbLast(range.len, buf.subarray(range.len - 16, range.len))));
    buf.set(ivAndE.subarray(16), range.len);
    const request = { op: 'decrypt', key, iv: ivAndE.slice(0, 16), data: buf };
    decrypts.push(handled(stages.time('post', () => pool.run(request))));
    if (decrypts.length >= inFlight) await writeOldest();
    progress(range.start + range.len);
  }
  while (decrypts.length) await writeOldest();
  await stages.wait('write (wait)', writing);
  if (job.cancelled) throw new Cancelled();
  const last = await stages.wait('read (wait)', slice(file, end, fd.fileLen));
  await out.write(stages.time('finish', () => fd.finish(last)));
  return { integrity: fd.integrity, verdict: fd.verdict };
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

// What the decrypt workers do (and this worker, where it cannot start workers): one
// WebCrypto AES-CBC decryption of a chunk given with E in its last 16 bytes; the
// plaintext is returned as bytes (moved, from a decrypt worker).
async function chunkWork({ key, iv, data }) {
  const t1 = performance.now();
  const plain = await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, data);
  return { data: new Uint8Array(plain), ms: { AES: performance.now() - t1 } };
}

// Workers that work for this one, by group: the decrypt workers and the
// private-storage writer. They are the page's, not this worker's: in Firefox a worker
// that starts workers of its own (and makes their Blob URL) waits for the main thread,
// and now and then that wait never ends (this worker's thread froze, timers and all,
// on the first decryption of about one fresh page in 50 on a loaded machine: traced to
// the start of its decrypt workers). The page starts them from the source given, and
// passes each request and answer on, the bytes moved, never copied. A group is started
// once and kept while it works; one that cannot start, or does not answer within 10 s,
// is not used by this worker again: its work is done here instead.
const helpers = new Map(); // group → Helpers
let helpersStarted = 0; // Each start's number: answers for an earlier start are not this one's.
class Helpers {
  constructor(group, size, work) {
    this.group = group;
    this.size = size;
    this.number = ++helpersStarted;
    this.waiting = new Map();
    this.nextId = 0;
    post({ op: 'helpers-start', group, number: this.number, size, source: `'use strict';\n${helperSource}\n(${helperLoop})(${work});` });
    const started = Promise.all(Array.from({ length: size }, (_, i) => this.run({ op: 'ping' }, i)));
    this.started = Promise.race([started, new Promise((_, no) => setTimeout(() => no(new Error('no answer')), 10000))]);
    handled(this.started);
  }

  // A worker's answer, or news that one failed (`broken`: it cannot start, it failed,
  // or its answer could not be read), from the page. A failure fails what waits on the
  // group (with a message) and the group: the next run starts new workers.
  answered(m) {
    if (m.broken) {
      for (const p of this.waiting.values()) p.reject(Object.assign(new Error(m.broken), { name: 'WorkerFailed' }));
      this.waiting.clear();
      this.broken = true;
      return;
    }
    const p = this.waiting.get(m.id);
    if (!p) return; // Given up on already.
    this.waiting.delete(m.id);
    if (m.error) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
    else p.resolve(m);
  }

  // Sends `request` (its `data` moved) to worker `to` (by default round-robin).
  run(request, to = null) {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const worker = to === null ? id % this.size : to;
      post({ op: 'helpers-run', group: this.group, worker, request: { id, ...request } }, request.data ? [request.data.buffer] : []);
    });
    // A worker that never answers fails the run with a message, and the group.
    return within(answer, STALL_MS, `the page's ${this.group} worker did not answer`).catch((e) => {
      this.waiting.delete(id);
      if (e.name === 'Stalled') this.broken = true;
      throw e;
    });
  }

  close() {
    if (helpers.get(this.group) === this) helpers.delete(this.group);
    post({ op: 'helpers-stop', group: this.group, number: this.number });
  }
}

// Group `group` of `size` workers running `work`, started (and answering), or null
// where they cannot be had.
const unavailable = new Set();
async function helperGroup(group, size, work) {
  if (size === 0 || unavailable.has(group)) return null;
  let h = helpers.get(group);
  if (!h || h.size !== size || h.broken) {
    if (h) h.close();
    h = new Helpers(group, size, work);
    helpers.set(group, h);
  }
  try {
    await h.started;
    return h;
  } catch (_) {
    h.close();
    unavailable.add(group);
    return null;
  }
}

// A helper's message loop: `work(request)` per message, answered with its id (and
// its `data`, moved); a ping is answered at once.
function helperLoop(work) {
  onmessageerror = () => postMessage({ broken: 'a worker could not read its request' });
  onmessage = async (ev) => {
    try {
      const r = ev.data.op === 'ping' ? {} : await work(ev.data);
      postMessage({ id: ev.data.id, ...r }, r.data ? [r.data.buffer] : []);
    } catch (err) {
      postMessage({ id: ev.data.id, error: { name: err.name, message: String(err.message) } });
    }
  };
}

// Chunks go round-robin to the decrypt workers. (In WebKit, whose AES runs on a queue
// of its own, decrypting here was as fast or faster on 2 cores: 256 MiB OpenSSL 126-137
// MB/s against 109-113 with them, AES Crypt 61-78 against 65-66. A probe of whether
// AES holds this thread, turns of the event loop counted during an encryption, did not
// tell the engines apart reliably, so every engine uses them.)
const decryptPool = async (size) => (await helperGroup('decrypt', size, 'chunkWork')) || LOCAL_DECRYPT;

// Without decrypt workers: the same, one chunk at a time in this worker.
const LOCAL_DECRYPT = { run: chunkWork };

async function runStream(job, out, progress, stages) {
  const d = job.stream;
  const { file } = job;
  const size = file.size;
  // One chunk read ahead while wasm decrypts the one before.
  const read = (pos) => (pos < size ? handled(slice(file, pos, Math.min(size, pos + WASM_CHUNK))) : null);
  let ahead = read(0);
  for (let pos = 0; pos < size; pos += WASM_CHUNK) {
    if (job.cancelled) throw new Cancelled();
    const data = await stages.wait('read (wait)', ahead);
    ahead = read(pos + WASM_CHUNK);
    const plain = stages.time('wasm decrypt', () => d.update(data));
    await stages.wait('write (wait)', Promise.resolve(stages.time('write', () => out.write(plain))));
    progress(Math.min(size, pos + WASM_CHUNK));
  }
  await out.write(d.finish());
  return { integrity: d.integrity, verdict: d.verdict };
}
