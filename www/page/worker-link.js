// The page's one worker (made from the inlined #worker-source) and the messages to and
// from it: each card registers a handler under its id.
'use strict';

const link = (() => {
  const url = URL.createObjectURL(new Blob([$('worker-source').textContent], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const handlers = new Map();
  let nextId = 1;
  worker.onmessage = (ev) => { const h = handlers.get(ev.data.id); if (h) h(ev.data); };
  return {
    // `#engine=wasm` forces the all-wasm fallback (for tests and the benchmark).
    forceWasm: /(^|[#&])engine=wasm(&|$)/.test(location.hash),
    // `#profile` (the benchmark) has the worker time each stage of a decryption; the
    // milliseconds land in the card's `data-stages` attribute.
    profile: /(^|[#&])profile(&|$)/.test(location.hash),
    newId: () => nextId++,
    listen: (id, handler) => handlers.set(id, handler),
    send: (message, transfer) => worker.postMessage(message, transfer || []),
  };
})();
