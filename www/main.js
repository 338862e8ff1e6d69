// The page's UI: files in, messages out. All work happens in the worker (built from
// the inlined #worker-source); this script only reads the slices of a file the worker
// asks for (no engine may forbid that here, and WebKit forbids it in a worker).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const workerUrl = URL.createObjectURL(new Blob([$('worker-source').textContent], { type: 'text/javascript' }));
  const worker = new Worker(workerUrl);
  // `#engine=wasm` forces the all-wasm fallback (for tests and the benchmark).
  const forceWasm = /(^|[#&])engine=wasm(&|$)/.test(location.hash);
  // `#profile` (the benchmark) has the worker time each stage of a decryption; the
  // milliseconds land in the card's `data-stages` attribute.
  const profile = /(^|[#&])profile(&|$)/.test(location.hash);
  const handlers = new Map();
  let nextId = 1;
  worker.onmessage = (ev) => {
    const m = ev.data;
    if (m.op === 'read') return hand(m);
    if (m.op === 'fatal') return failAll(m.message);
    const h = handlers.get(m.id);
    if (h) h(m);
  };
  // The worker asks for a slice of a File it was given; it gets the bytes, moved.
  async function hand({ req, file, start, end }) {
    try {
      const data = await file.slice(start, end).arrayBuffer();
      worker.postMessage({ op: 'bytes', req, data }, [data]);
    } catch (e) {
      worker.postMessage({ op: 'bytes', req, error: { name: e.name, message: String(e.message) } });
    }
  }
  // A worker that fails (or whose message cannot be read) fails every card, visibly.
  function failAll(message) {
    for (const h of handlers.values()) h({ op: 'error', name: 'WorkerFailed', message });
  }
  worker.onerror = (ev) => { ev.preventDefault(); failAll(ev.message || 'the page\'s worker stopped'); };
  worker.onmessageerror = () => failAll('a message from the page\'s worker could not be read');

  const announcer = $('announce');
  function announce(text) {
    announcer.textContent = '';
    setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k in e && k !== 'list') e[k] = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  function bytes(n) {
    if (n < 1024) return `${n} bytes`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let u = -1;
    do { n /= 1024; u++; } while (n >= 1024 && u < units.length - 1);
    return `${n.toFixed(n < 10 ? 2 : 1)} ${units[u]}`;
  }

  function duration(s) {
    if (!isFinite(s)) return '…';
    if (s < 60) return `${Math.ceil(s)} s`;
    return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  }

  // What each error means for the person restoring the backup.
  const advice = {
    WrongPassword: 'Wrong password. Nothing was decrypted; type it again.',
    Corrupt: 'The file is damaged. Nothing was saved.',
    Truncated: 'The file is truncated (an incomplete download or copy?). Nothing was saved.',
    NotEncrypted: 'This is not an encrypted backup: it has no OpenSSL or AES Crypt header.',
    Unsupported: 'This file uses something the page does not support.',
    ExcessiveWork: 'The file asks for an unreasonable amount of key-derivation work; refused.',
    Cancelled: 'Cancelled. Nothing was saved.',
    Stalled: 'The decryption stopped: one of its steps did not finish. Nothing was saved.',
    WorkerFailed: 'The page\'s worker failed. Nothing was saved.',
    OldBrowser: 'This browser is too old for the page: it needs WebAssembly SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or newer).',
  };
  // What became of a file picked for the output when the decryption failed.
  const leftBehind = {
    removed: ' The file you picked was removed.',
    empty: ' The file you picked was left empty.',
    unchanged: ' The file you picked was not changed.',
  };
  function explain(m) {
    const head = advice[m.name] || 'Decryption failed. Nothing was saved.';
    return (m.name === 'Cancelled' ? head : `${head} (${m.message})`) + (leftBehind[m.left] || '');
  }

  const list = $('file-list');
  function addFiles(files) {
    for (const file of files) addCard(file);
    $('empty').classList.toggle('hidden', list.children.length > 0);
    if (files.length) announce(`${files.length} file${files.length > 1 ? 's' : ''} added`);
  }

  function addCard(file) {
    const id = nextId++;
    const n = `f${id}`;
    const status = el('p', { class: 'status', id: `${n}-status`, role: 'status', 'aria-live': 'polite' }, 'Reading the header…');
    const info = el('dl', { class: 'info' });
    const pass = el('input', { type: 'password', id: `${n}-pass`, autocomplete: 'off', spellcheck: false });
    const show = el('button', { type: 'button', 'aria-pressed': 'false', 'aria-controls': `${n}-pass` }, 'Show');
    const go = el('button', { type: 'submit', class: 'primary', disabled: true }, 'Decrypt');
    const cancel = el('button', { type: 'button', disabled: true }, 'Cancel');
    const listZip = el('button', { type: 'button', class: 'hidden' }, 'List ZIP contents');
    const zipBox = el('div', { class: 'zip' });
    const bar = el('progress', { max: 1, value: 0, id: `${n}-progress`, 'aria-label': `Progress for ${file.name}` });
    const rate = el('p', { class: 'rate', 'aria-live': 'off' });
    const result = el('div', { class: 'result' });
    const form = el('form', { class: 'decrypt', 'aria-labelledby': `${n}-name` },
      el('label', { htmlFor: `${n}-pass`, class: 'label' }, `Password for ${file.name}`),
      el('div', { class: 'row' }, pass, show, go, listZip, cancel));
    const progressBox = el('div', { class: 'hidden' }, bar, rate);
    const card = el('li', { class: 'card' },
      el('h3', { id: `${n}-name` }, file.name), info, form, progressBox, status, result, zipBox);
    list.append(card);
    let info_ = null;
    let running = false;

    const setStatus = (text, kind) => {
      status.textContent = text;
      status.className = `status ${kind || ''}`;
    };
    const row = (k, v) => { if (v != null && v !== '') info.append(el('dt', {}, k), el('dd', {}, String(v))); };

    show.addEventListener('click', () => {
      const visible = pass.type === 'password';
      pass.type = visible ? 'text' : 'password';
      show.textContent = visible ? 'Hide' : 'Show';
      show.setAttribute('aria-pressed', String(visible));
    });

    handlers.set(id, (m) => {
      if (m.op === 'info') {
        info_ = m.info;
        row('Format', m.info.format + (m.info.version != null ? `, version ${m.info.version}` : ''));
        row('Key derivation', m.info.kdf);
        row('File size', bytes(m.info.fileSize));
        row('Decrypted size', m.info.plaintextSize === 'unknown' ? 'unknown' : `${m.info.plaintextSize} bytes`);
        row('Created by', m.info.createdBy);
        row('Backup date', m.info.backupDate);
        row('Integrity', m.info.integrity);
        row('Will be saved as', m.info.outputName);
        go.disabled = false;
        listZip.classList.toggle('hidden', !m.info.zipInside);
        setStatus('Ready: enter the password.');
      } else if (m.op === 'opened') {
        setStatus(`Password accepted${m.options ? ` (as ${m.options})` : ''}. Decrypting with ${m.engine}…`);
        chooseDestination(m);
      } else if (m.op === 'started') {
        // Said before the bulk work: where the plaintext is held until it is saved.
        const where = {
          memory: `The decrypted file (up to ${bytes(m.bytes)}) is held in this tab's memory until you save it.`,
          storage: `The decrypted file (up to ${bytes(m.bytes)}) is written to this browser's private storage until you save it.`,
        }[m.where];
        if (where) setStatus(`Decrypting… (the output is not verified until the end) ${where}`);
      } else if (m.op === 'progress') {
        const f = m.done / m.total;
        bar.value = f;
        const secs = (performance.now() - started) / 1000;
        const speed = m.done / secs;
        rate.textContent = `${Math.floor(f * 100)} % · ${(speed / 1e6).toFixed(0)} MB/s · ${duration((m.total - m.done) / speed)} left`;
      } else if (m.op === 'done') {
        finished(m);
      } else if (m.op === 'error' && m.about && m.about.startsWith('zip')) {
        zipFailed(m);
      } else if (m.op === 'error') {
        failed(m);
      } else if (m.op.startsWith('zip')) {
        zipMessage(m);
      }
    });

    let started = 0;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (running || !info_) return;
      running = true;
      go.disabled = true;
      result.replaceChildren();
      setStatus('Checking the password…');
      // The page keeps no copy: the bytes are moved to the worker, which wipes them
      // once wasm has its own (wiped on drop); the field is cleared at once.
      const pw = new TextEncoder().encode(pass.value);
      pass.value = '';
      worker.postMessage({ op: 'open', id, file, password: pw.buffer, forceWasm }, [pw.buffer]);
    });

    async function chooseDestination() {
      let handle = null;
      if (window.showSaveFilePicker && !forceWasm) {
        try {
          handle = await window.showSaveFilePicker({ suggestedName: info_.outputName });
        } catch (e) {
          if (e.name === 'AbortError') {
            worker.postMessage({ op: 'close', id });
            failed({ name: 'Cancelled' });
            return;
          }
          handle = null; // No user activation left, or not allowed: use a download.
        }
      }
      started = performance.now();
      bar.value = 0;
      progressBox.classList.remove('hidden');
      cancel.disabled = false;
      setStatus('Decrypting… (the output is not verified until the end)');
      announce(`Decrypting ${file.name}`);
      worker.postMessage({ op: 'run', id, handle, profile });
    }

    cancel.addEventListener('click', () => {
      worker.postMessage({ op: 'cancel', id });
      cancel.disabled = true;
    });

    function reset() {
      running = false;
      go.disabled = !info_;
      cancel.disabled = true;
    }

    function finished(m) {
      reset();
      bar.value = 1;
      const secs = m.ms / 1000;
      rate.textContent = `${bytes(m.bytes)} in ${secs.toFixed(1)} s (${(m.bytes / secs / 1e6).toFixed(0)} MB/s)`;
      if (m.stages) card.dataset.stages = JSON.stringify({ ...m.stages, total: m.ms });
      const text = `Done. Integrity: ${m.integrity}.`;
      setStatus(text, 'ok');
      if (m.blob) {
        const url = URL.createObjectURL(m.blob);
        const link = el('a', { href: url, download: info_.outputName, class: 'button save' },
          `Save ${info_.outputName} (${bytes(m.blob.size)})`);
        result.replaceChildren(link);
        link.focus();
      } else {
        result.replaceChildren(el('p', {}, `Saved as ${info_.outputName}.`));
      }
      announce(`${file.name}: ${text}`);
    }

    function failed(m) {
      reset();
      progressBox.classList.add('hidden');
      const text = explain(m);
      setStatus(text, 'bad');
      announce(`${file.name}: ${text}`);
      if (m.name === 'WrongPassword') pass.focus();
    }

    // The ZIP browser: entries listed from the central directory at the end of the
    // backup, one entry decrypted at a time. Names are shown, never used as paths.
    let zipView = null;
    listZip.addEventListener('click', () => {
      if (running) return;
      setStatus('Reading the ZIP directory…');
      const pw = new TextEncoder().encode(pass.value);
      pass.value = '';
      worker.postMessage({ op: 'zip-open', id, file, password: pw.buffer }, [pw.buffer]);
    });

    function zipFailed(m) {
      const text = m.name === 'NotZip' ? `This backup does not hold a ZIP archive. (${m.message})` : explain(m);
      if (m.about === 'zip-open') {
        setStatus(text, 'bad');
        if (m.name === 'WrongPassword') pass.focus();
      } else if (zipView) {
        zipView.failed(m.about, text);
      }
      announce(`${file.name}: ${text}`);
    }

    function zipMessage(m) {
      if (m.op === 'zip-list') {
        setStatus(`Password accepted: ${m.entries.length} entries listed without decrypting the whole file.`, 'ok');
        zipView = zipBrowser(m.entries);
        announce(`${file.name}: ${m.entries.length} entries listed`);
      } else if (m.op === 'zip-entry') {
        zipView.saved(m.index, m.blob);
      } else if (m.op === 'zip-preview') {
        zipView.preview(m.index, m.text);
      } else if (m.op === 'zip-verified') {
        zipView.say(`Whole backup checked: ${m.integrity}.`, 'ok');
      }
    }

    function zipBrowser(entries) {
      const fid = `${n}-filter`;
      const zstatus = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' },
        'Each entry is checked against its CRC-32 when saved. The backup\u2019s HMAC covers the whole file: use "Verify whole backup" to check it.');
      const filter = el('input', { type: 'search', id: fid, autocomplete: 'off' });
      const selAll = el('input', { type: 'checkbox', 'aria-label': 'Select all shown entries' });
      const dlSel = el('button', { type: 'button' }, 'Download selected');
      const dlAll = el('button', { type: 'button' }, 'Download all');
      const verify = el('button', { type: 'button' }, 'Verify whole backup (HMAC)');
      const tbody = el('tbody');
      const previewBox = el('pre', { class: 'preview hidden', tabIndex: 0, 'aria-label': 'Preview' });
      const count = el('p', { 'aria-live': 'polite' });
      const cols = [['name', 'Name'], ['size', 'Size'], ['modified', 'Modified']];
      let sortKey = 'name';
      let sortDir = 1;
      const selected = new Set();
      const heads = cols.map(([key, label]) => {
        const b = el('button', { type: 'button' }, label);
        const th = el('th', { scope: 'col' }, b);
        b.addEventListener('click', () => {
          sortDir = sortKey === key ? -sortDir : 1;
          sortKey = key;
          render();
        });
        return [key, th];
      });
      const table = el('table', {},
        el('caption', { class: 'visually-hidden' }, `Entries of ${file.name}`),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, selAll), ...heads.map(([, th]) => th),
          el('th', { scope: 'col' }, 'Actions'))),
        tbody);
      zipBox.replaceChildren(
        el('h4', {}, `Contents of ${info_.outputName}`), zstatus,
        el('div', { class: 'row' }, el('label', { htmlFor: fid }, 'Filter by name'), filter),
        el('div', { class: 'row' }, dlSel, dlAll, verify), count, table, previewBox);
      const MAX_ROWS = 1000;
      let shown = [];
      function render() {
        const q = filter.value.toLowerCase();
        shown = entries.filter((e) => e.name.toLowerCase().includes(q));
        shown.sort((a, b) => (a[sortKey] < b[sortKey] ? -1 : a[sortKey] > b[sortKey] ? 1 : 0) * sortDir);
        for (const [key, th] of heads) {
          if (key === sortKey) th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
          else th.removeAttribute('aria-sort');
        }
        count.textContent = shown.length > MAX_ROWS
          ? `${shown.length} of ${entries.length} entries match; showing the first ${MAX_ROWS}.`
          : `${shown.length} of ${entries.length} entries shown.`;
        tbody.replaceChildren(...shown.slice(0, MAX_ROWS).map(rowFor));
      }
      function rowFor(e) {
        const box = el('input', { type: 'checkbox', checked: selected.has(e.index), 'aria-label': `Select ${e.name}` });
        box.addEventListener('change', () => { if (box.checked) selected.add(e.index); else selected.delete(e.index); });
        const name = el('td', {}, e.name);
        if (e.unsafe) {
          name.append(el('br'), el('span', { class: 'unsafe' },
            `Unsafe name (${e.unsafe}): saved as ${downloadName(e)}, never as this path.`));
        }
        const actions = el('td');
        if (e.kind === 'file') {
          const dl = el('button', { type: 'button', 'aria-label': `Download ${e.name}` }, 'Download');
          dl.addEventListener('click', () => get([e]));
          actions.append(dl);
          if (e.preview) {
            const pv = el('button', { type: 'button', 'aria-label': `Preview ${e.name}` }, 'Preview');
            pv.addEventListener('click', () => worker.postMessage({ op: 'zip-preview', id, index: e.index }));
            actions.append(' ', pv);
          }
        } else {
          actions.append(e.kind);
        }
        return el('tr', {}, el('td', {}, box), name, el('td', { class: 'num' }, bytes(e.size)),
          el('td', {}, e.modified), actions);
      }
      const downloadName = (e) => (e.unsafe || !e.safeName ? `entry-${e.index + 1}` : e.safeName);
      // One download at a time, in order.
      let queue = [];
      function get(list) {
        const files = list.filter((e) => e.kind === 'file');
        const idle = queue.length === 0;
        queue.push(...files);
        if (idle && queue.length) next();
      }
      function next() {
        const e = queue[0];
        say(`Decrypting ${e.name}…`);
        worker.postMessage({ op: 'zip-get', id, index: e.index });
      }
      function say(text, kind) {
        zstatus.textContent = text;
        zstatus.className = `status ${kind || ''}`;
      }
      selAll.addEventListener('change', () => {
        for (const e of shown.slice(0, MAX_ROWS)) { if (selAll.checked) selected.add(e.index); else selected.delete(e.index); }
        render();
      });
      filter.addEventListener('input', render);
      dlSel.addEventListener('click', () => get(entries.filter((e) => selected.has(e.index))));
      dlAll.addEventListener('click', () => get(entries));
      verify.addEventListener('click', () => { say('Reading the whole backup to check its HMAC…'); worker.postMessage({ op: 'zip-verify', id }); });
      render();
      return {
        say,
        failed(about, text) {
          say(text, 'bad');
          if (about === 'zip-get') {
            queue.shift();
            if (queue.length) next();
          }
        },
        saved(index, blob) {
          const e = entries[index];
          queue.shift();
          const a = el('a', { href: URL.createObjectURL(blob), download: downloadName(e) });
          document.body.append(a);
          a.click();
          a.remove();
          say(`Saved ${downloadName(e)} (${bytes(blob.size)}, CRC-32 checked).`, 'ok');
          if (queue.length) next();
        },
        preview(index, text) {
          previewBox.textContent = text;
          previewBox.classList.remove('hidden');
          say(`Preview of ${entries[index].name} (first ${bytes(new TextEncoder().encode(text).length)}).`, 'ok');
        },
      };
    }

    worker.postMessage({ op: 'inspect', id, file });
  }

  const picker = $('files');
  picker.addEventListener('change', () => { addFiles([...picker.files]); picker.value = ''; });
  const drop = $('drop');
  for (const t of ['dragenter', 'dragover']) {
    document.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add('over'); });
  }
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.classList.remove('over'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    addFiles([...e.dataTransfer.files]);
  });
})();
