// The ZIP browser: entries listed from the central directory at the end of the backup
// (wasm reads it), one entry decrypted at a time. Names are shown, never used as paths.
'use strict';

// The "List ZIP contents" button of a card and the box the browser fills.
function zipOpener(c) {
  const button = el('button', { type: 'button', class: 'hidden' }, 'List ZIP contents');
  const box = el('div', { class: 'zip' });
  let view = null;
  button.addEventListener('click', async () => {
    if (c.running) return;
    c.setStatus('Reading the ZIP directory…');
    let secret;
    try {
      secret = await c.password.take();
    } catch (e) {
      failed({ about: 'zip-open', name: 'KeyFile', message: String(e.message || e) });
      return;
    }
    link.send({ op: 'zip-open', id: c.id, file: c.file, ...secret, openssl: c.options.value() }, [secret.password]);
  });

  function failed(m) {
    const text = m.name === 'NotZip' ? `This backup does not hold a ZIP archive. (${m.message})` : explain(m);
    if (m.about === 'zip-open') {
      c.setStatus(text, 'bad');
      if (m.name === 'WrongPassword') c.password.focus();
    } else if (view) {
      view.failed(m, text);
    }
    announce(`${c.file.name}: ${text}`);
  }

  return {
    button, box,
    ready(zipInside) { button.classList.toggle('hidden', !zipInside); },
    onMessage(m) {
      if (m.op === 'error') {
        failed(m);
      } else if (m.op === 'zip-list') {
        c.setStatus(`Password accepted: ${m.entries.length} entries listed without decrypting the whole file.`, 'ok');
        view = zipBrowser(c, m.entries, box);
        announce(`${c.file.name}: ${m.entries.length} entries listed`);
      } else if (view) {
        view.onMessage(m);
      }
    },
  };
}

// The table of entries: filter, sort, select, preview, save, verify.
function zipBrowser(c, entries, box) {
  const fid = `${c.n}-filter`;
  const zstatus = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' },
    'Each entry is checked against its CRC-32 when saved. The backup\u2019s HMAC covers the whole file: use "Verify whole backup" to check it.');
  const say = (text, kind) => setStatusOf(zstatus, text, kind);
  const filter = el('input', { type: 'search', id: fid, autocomplete: 'off' });
  const selAll = el('input', { type: 'checkbox', 'aria-label': 'Select all shown entries' });
  const verify = el('button', { type: 'button' }, 'Verify whole backup (HMAC)');
  const tbody = el('tbody');
  const previewBox = el('pre', { class: 'preview hidden', tabIndex: 0, 'aria-label': 'Preview' });
  const count = el('p', { 'aria-live': 'polite' });
  const cols = [['name', 'Name'], ['size', 'Size'], ['modified', 'Modified']];
  let sortKey = 'name';
  let sortDir = 1;
  const selected = new Set();
  const saver = entrySaver(c, entries, say);
  const dlSel = el('button', { type: 'button' }, saver.labels.selected);
  const dlAll = el('button', { type: 'button' }, saver.labels.all);
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
    el('caption', { class: 'visually-hidden' }, `Entries of ${c.file.name}`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, selAll), ...heads.map(([, th]) => th),
      el('th', { scope: 'col' }, 'Actions'))),
    tbody);
  box.replaceChildren(
    el('h4', {}, `Contents of ${c.info.outputName}`), zstatus,
    el('div', { class: 'row' }, el('label', { htmlFor: fid }, 'Filter by name'), filter),
    el('div', { class: 'row' }, dlSel, dlAll, verify), ...saver.controls, count, table, previewBox);
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
    const check = el('input', { type: 'checkbox', checked: selected.has(e.index), 'aria-label': `Select ${e.name}` });
    check.addEventListener('change', () => { if (check.checked) selected.add(e.index); else selected.delete(e.index); });
    const name = el('td', {}, e.name);
    if (e.unsafe) {
      name.append(el('br'), el('span', { class: 'unsafe' },
        `Unsafe name (${e.unsafe}): saved as ${downloadName(e)}, never as this path.`));
    }
    const actions = el('td');
    if (e.kind === 'file') {
      const dl = el('button', { type: 'button', 'aria-label': `Download ${e.name}` }, 'Download');
      dl.addEventListener('click', () => saver.one(e));
      actions.append(dl);
      if (e.preview) {
        const pv = el('button', { type: 'button', 'aria-label': `Preview ${e.name}` }, 'Preview');
        pv.addEventListener('click', () => link.send({ op: 'zip-preview', id: c.id, index: e.index }));
        actions.append(' ', pv);
      }
    } else {
      actions.append(e.kind);
    }
    return el('tr', {}, el('td', {}, check), name, el('td', { class: 'num' }, bytes(e.size)),
      el('td', {}, e.modified), actions);
  }
  selAll.addEventListener('change', () => {
    for (const e of shown.slice(0, MAX_ROWS)) { if (selAll.checked) selected.add(e.index); else selected.delete(e.index); }
    render();
  });
  filter.addEventListener('input', render);
  dlSel.addEventListener('click', () => saver.many(entries.filter((e) => selected.has(e.index))));
  dlAll.addEventListener('click', () => saver.many(entries));
  verify.addEventListener('click', () => {
    say('Reading the whole backup to check its HMAC…');
    link.send({ op: 'zip-verify', id: c.id });
  });
  render();

  return {
    failed(m, text) {
      if (m.about === 'zip-get' || m.about === 'zip-bundle') saver.failed(m, text);
      else say(text, 'bad');
    },
    onMessage(m) {
      if (m.op === 'zip-preview') {
        previewBox.textContent = m.text;
        previewBox.classList.remove('hidden');
        say(`Preview of ${entries[m.index].name} (first ${bytes(new TextEncoder().encode(m.text).length)}).`, 'ok');
      } else if (m.op === 'zip-verified') {
        say(`Whole backup checked: ${m.verdict}. ${m.integrity}.`, m.verdict === 'ok' ? 'ok' : 'bad');
      } else {
        saver.onMessage(m);
      }
    },
  };
}

// The name an entry is downloaded under: the last component of its checked safe
// name (from wasm), or `entry-N` when the name is unsafe.
const downloadName = (e) => (e.unsafe || !e.safeName ? `entry-${e.index + 1}` : e.safeName);
