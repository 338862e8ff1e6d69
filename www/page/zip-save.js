// Saving entries of a ZIP backup. Each entry is decrypted by the worker and checked
// against its CRC-32 and size before anything is offered or written. One entry: a
// download under its safe name. Several: one action, either into a folder the user
// picks (File System Access API), each under its checked path (`savePath`, from the
// library), or, where that API is missing, as one plain ZIP written by the library's
// streaming ZIP writer. Both show progress and can be cancelled between entries.
'use strict';

function entrySaver(c, entries, say) {
  const folders = typeof window.showDirectoryPicker === 'function' && !link.forceWasm;
  const many = folders ? 'to a folder' : 'as one ZIP';
  const bar = el('progress', { max: 1, value: 0, 'aria-label': `Progress of saving entries of ${c.file.name}` });
  const text = el('span', { class: 'rate' });
  const cancel = el('button', { type: 'button' }, 'Cancel saving');
  const progressRow = el('div', { class: 'row hidden' }, bar, text, cancel);
  const shown = resultBox();
  const result = shown.box;
  let busy = false;
  let cancelled = false;
  cancel.addEventListener('click', () => {
    cancelled = true;
    cancel.disabled = true;
    link.send({ op: 'zip-cancel', id: c.id });
  });

  // One worker request at a time; answers come in order.
  let waiting = null;
  const ask = (message) => new Promise((resolve, reject) => {
    waiting = { resolve, reject, about: message.op };
    link.send(message);
  });
  const answer = (m) => {
    const w = waiting;
    waiting = null;
    if (!w) return;
    if (m.op === 'error') w.reject(Object.assign(new Error(m.message), { name: m.name, text: m.text }));
    else w.resolve(m);
  };

  function start(files) {
    busy = true;
    cancelled = false;
    cancel.disabled = false;
    bar.value = 0;
    shown.show();
    progressRow.classList.remove('hidden');
    const total = files.reduce((n, e) => n + e.size, 0);
    return (done, bytesDone) => {
      bar.value = total ? bytesDone / total : done / files.length;
      text.textContent = `${done} of ${files.length} entries · ${bytes(bytesDone)} of ${bytes(total)}`;
    };
  }
  function stop() {
    busy = false;
    cancel.disabled = true;
    progressRow.classList.add('hidden');
  }

  // One entry, as a download under its safe name.
  async function one(e) {
    if (busy) return;
    busy = true;
    say(`Decrypting ${e.name}…`);
    try {
      const m = await ask({ op: 'zip-get', id: c.id, index: e.index });
      const name = downloadName(e);
      download(m.blob, name);
      say(`Saved ${name} (${bytes(m.blob.size)}, CRC-32 checked).`, 'ok');
    } catch (err) {
      say(`${e.name} was not saved: ${err.text || explain(err)}`, 'bad');
    } finally {
      busy = false;
    }
  }

  async function toFolder(files) {
    let dir;
    try {
      dir = await window.showDirectoryPicker({ id: 'backupcrypt-restore', mode: 'readwrite' });
    } catch (err) {
      if (err.name === 'AbortError') { say('No folder chosen: nothing was saved.'); return; }
      toZip(files); // Not allowed here (no user activation left, a policy): one ZIP instead.
      return;
    }
    const progress = start(files);
    let saved = 0;
    let bytesDone = 0;
    const skipped = [];
    try {
      for (const e of files) {
        if (cancelled) {
          say(`Cancelled: ${saved} of ${files.length} entries saved in ${dir.name} (each complete and checked); the rest were not.`, 'bad');
          return;
        }
        progress(saved, bytesDone);
        say(`Decrypting ${e.name}…`);
        let m;
        try {
          m = await ask({ op: 'zip-get', id: c.id, index: e.index });
        } catch (err) {
          say(`${e.name}: ${err.text || explain(err)} It was not saved; ${saved} entries were saved before it, in ${dir.name}.`, 'bad');
          return;
        }
        const where = await writeEntry(dir, e.savePath, m.blob);
        if (where.exists) skipped.push(e.savePath.join('/'));
        else saved++;
        bytesDone += e.size;
        progress(saved + skipped.length, bytesDone);
      }
      const note = skipped.length
        ? ` ${skipped.length} already existed and were left as they were: ${skipped.join(', ')}.`
        : '';
      say(`Saved ${saved} entries into ${dir.name}, each under its checked path (CRC-32 checked).${note}`, 'ok');
      announce(`${c.file.name}: ${saved} entries saved`);
    } catch (err) {
      // A failed write: writeEntry removed the file it had started.
      say(`${err.message} ${saved} entries were saved before it, in ${dir.name}.`, 'bad');
    } finally {
      stop();
    }
  }

  // Writes one entry under `dir` at its checked path; an existing file is never
  // overwritten. A failed write removes the file it created and says so.
  async function writeEntry(dir, path, blob) {
    let d = dir;
    for (const part of path.slice(0, -1)) d = await d.getDirectoryHandle(part, { create: true });
    const name = path[path.length - 1];
    try {
      await d.getFileHandle(name);
      return { exists: true };
    } catch (_) { /* not there yet: write it */ }
    const handle = await d.getFileHandle(name, { create: true });
    let out = null;
    try {
      out = await handle.createWritable();
      await out.write(blob);
      await out.close();
      return {};
    } catch (err) {
      if (out) { try { await out.abort(); } catch (_) { /* already failed */ } }
      throw new Error(`Could not write ${path.join('/')} (${err.name}: ${err.message}); ${await discard(d, handle, name)}`);
    }
  }

  // Removes a file whose write failed (nothing of it was committed: writes go to the
  // browser's temporary copy). The browser may still hold the aborted stream's lock
  // for a moment: try again briefly before saying what was left.
  async function discard(d, handle, name) {
    for (let i = 0; i < 5; i++) {
      try {
        await d.removeEntry(name);
        return 'the file was removed.';
      } catch (_) {
        await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      }
    }
    try {
      if ((await handle.getFile()).size === 0) return `the empty file ${name} could not be removed: delete it.`;
    } catch (_) { /* cannot tell */ }
    return 'the file could not be removed: delete it, it is incomplete.';
  }

  async function toZip(files) {
    const progress = start(files);
    const name = `selected-${c.info.outputName}`;
    say(`Writing ${files.length} entries into one ZIP…`);
    onProgress = (m) => progress(m.done, m.bytes);
    try {
      const m = await ask({ op: 'zip-bundle', id: c.id, indices: files.map((e) => e.index) });
      const a = shown.saveLink(m.blob, name, `Save ${name} (${m.count} entries, ${bytes(m.blob.size)})`);
      say(`${m.count} entries written into one ZIP, each checked against its CRC-32.`, 'ok');
      announce(`${c.file.name}: ${name} ready to save`);
      a.focus();
    } catch (err) {
      say(err.name === 'Cancelled' ? 'Cancelled: no ZIP was made.' : `${err.text || explain(err)} No ZIP was made.`, 'bad');
    } finally {
      onProgress = null;
      stop();
    }
  }
  let onProgress = null;

  return {
    controls: [progressRow, result],
    labels: { selected: `Save selected ${many}`, all: `Save all ${many}` },
    one,
    many(list) {
      if (busy) return;
      const files = list.filter((e) => e.kind === 'file');
      if (!files.length) { say('No file entries chosen.'); return; }
      if (folders) toFolder(files); else toZip(files);
    },
    failed(m, text) {
      if (waiting && waiting.about === m.about) answer({ ...m, text });
    },
    onMessage(m) {
      if (m.op === 'zip-progress') { if (onProgress) onProgress(m); return; }
      if (m.op === 'zip-entry' || m.op === 'zip-bundled') answer(m);
    },
  };
}
