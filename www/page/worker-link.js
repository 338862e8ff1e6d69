// The page's one worker (made from the inlined #worker-source) and the messages to and
// from it: each card registers a handler under its id.
'use strict';

const link = (() => {
  const url = URL.createObjectURL(new Blob([$('worker-source').textContent], { type: 'text/javascript' }));
  let worker;
  const handlers = new Map();
  let nextId = 1;
  // `#stall-ms=N` shortens the worker's watchdog (60 s), for its test.
  const stall = /(^|[#&])stall-ms=(\d+)(&|$)/.exec(location.hash);
  const stallMs = stall ? Number(stall[2]) : 60000;
  // The worker's own watchdog cannot fire if its thread stops (seen in Firefox): the
  // page pings it, and a worker silent for twice the watchdog's time is replaced, and
  // every card told.
  // Cards waiting for the worker's answer (only these are told).
  const busy = new Set();
  const ASKS = new Set(['inspect', 'open', 'run', 'zip-open', 'zip-get', 'zip-preview', 'zip-verify', 'zip-bundle']);
  const ANSWERS = new Set(['info', 'error', 'done', 'zip-list', 'zip-entry', 'zip-preview', 'zip-verified', 'zip-bundled']);
  // At least 20 s even when the test lowers the watchdog: a fresh worker's first
  // decryption (compiling the WebAssembly, starting its own workers) can keep it
  // from answering for seconds on a loaded machine.
  const silentMs = Math.max(2 * stallMs, 20000);
  let heard = performance.now();
  setInterval(() => {
    if (performance.now() - heard > silentMs) {
      start();
      const message = `the page's worker stopped answering for ${Math.round(silentMs / 1000)} s; it was restarted: try again`;
      for (const id of busy) { const h = handlers.get(id); if (h) h({ op: 'error', name: 'Stalled', message }); }
      busy.clear();
    }
    worker.postMessage({ op: 'ping' });
  }, Math.min(10000, stallMs / 2));
  function start() {
    if (worker) worker.terminate();
    for (const group of [...helpers.keys()]) stopHelpers({ group });
    heard = performance.now();
    worker = new Worker(url);
    worker.onmessage = received;
    worker.onerror = (ev) => { ev.preventDefault(); failAll(ev.message || 'the page\'s worker stopped'); };
    worker.onmessageerror = () => failAll('a message from the page\'s worker could not be read');
    if (stall) worker.postMessage({ op: 'stall-ms', ms: stallMs });
  }
  function received(ev) {
    heard = performance.now();
    const m = ev.data;
    if (m.op === 'pong') return;
    if (m.op === 'read') return hand(m);
    if (m.op === 'helpers-start') return startHelpers(m);
    if (m.op === 'helpers-run') return toHelper(m);
    if (m.op === 'helpers-stop') return stopHelpers(m);
    if (m.op === 'fatal') return failAll(m.message);
    if (ANSWERS.has(m.op)) busy.delete(m.id);
    const h = handlers.get(m.id);
    if (h) h(m);
  }
  // The worker reads no file itself (WebKit forbids that in a worker on a file://
  // page): it asks for a slice of a File it was given, and gets the bytes, moved.
  async function hand({ req, file, start, end }) {
    try {
      const t = performance.now();
      const data = await file.slice(start, end).arrayBuffer();
      worker.postMessage({ op: 'bytes', req, data, ms: performance.now() - t }, [data]);
    } catch (e) {
      worker.postMessage({ op: 'bytes', req, error: { name: e.name, message: String(e.message) } });
    }
  }
  // The worker's helper workers, by group (see Helpers in worker.js: a worker that
  // starts its own can freeze in Firefox). Requests and answers pass through here,
  // their bytes moved.
  const helpers = new Map();
  function startHelpers({ group, number, size, source }) {
    stopHelpers({ group });
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const answer = (a) => worker.postMessage({ op: 'helpers-answer', group, number, answer: a }, a.data ? [a.data.buffer] : []);
    const h = { number, url, workers: [] };
    helpers.set(group, h);
    try {
      for (let i = 0; i < size; i++) {
        const w = new Worker(url);
        w.onmessage = (ev) => answer(ev.data);
        w.onerror = (ev) => { ev.preventDefault(); answer({ broken: `a ${group} worker failed: ${ev.message}` }); };
        w.onmessageerror = () => answer({ broken: `a ${group} worker's answer could not be read` });
        h.workers.push(w);
      }
    } catch (e) {
      answer({ broken: `a ${group} worker could not start: ${e.message}` });
    }
  }
  function toHelper({ group, worker: i, request }) {
    const h = helpers.get(group);
    const w = h && h.workers[i];
    if (!w) return; // It could not start (the worker was told).
    w.postMessage(request, request.data ? [request.data.buffer] : []);
  }
  function stopHelpers({ group, number = null }) {
    const h = helpers.get(group);
    if (!h || (number !== null && h.number !== number)) return;
    for (const w of h.workers) w.terminate();
    URL.revokeObjectURL(h.url);
    helpers.delete(group);
  }
  // A worker that fails (or whose message cannot be read) fails every card, visibly.
  function failAll(message) {
    for (const h of handlers.values()) h({ op: 'error', name: 'WorkerFailed', message });
  }
  start();
  return {
    // `#engine=wasm` forces the all-wasm fallback (for tests and the benchmark).
    forceWasm: /(^|[#&])engine=wasm(&|$)/.test(location.hash),
    // `#output=memory` holds the output in memory even where private storage could
    // take it (for the tests of the memory limit in every engine).
    memoryOnly: /(^|[#&])output=memory(&|$)/.test(location.hash),
    // `#profile` (the benchmark) has the worker time each stage of a decryption; the
    // milliseconds land in the card's `data-stages` attribute.
    profile: /(^|[#&])profile(&|$)/.test(location.hash),
    // `#pipeline=chunk:8,readAhead:4,inFlight:3,workers:2` (chunk in MiB) overrides the
    // fast path's sizes, for the benchmark to compare them.
    tuning: (() => {
      const hook = /(^|[#&])pipeline=([\w:,]+)(&|$)/.exec(location.hash);
      if (!hook) return null;
      const t = Object.fromEntries(hook[2].split(',').map((kv) => kv.split(':')).map(([k, v]) => [k, Number(v)]));
      if (t.chunk) t.chunk *= 1024 * 1024;
      return t;
    })(),
    newId: () => nextId++,
    listen: (id, handler) => handlers.set(id, handler),
    send: (message, transfer) => {
      if (ASKS.has(message.op)) busy.add(message.id);
      else if (message.op === 'close') busy.delete(message.id);
      worker.postMessage(message, transfer || []);
    },
  };
})();
