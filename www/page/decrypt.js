// Decrypting a whole file: the Decrypt and Cancel buttons, where the output goes (a
// file the user picks, or a Save link), progress, and the outcome.
'use strict';

function decryption(c, form) {
  const go = el('button', { type: 'submit', class: 'primary', disabled: true }, 'Decrypt');
  const cancel = el('button', { type: 'button', disabled: true }, 'Cancel');
  const bar = el('progress', { max: 1, value: 0, id: `${c.n}-progress`, 'aria-label': `Progress for ${c.file.name}` });
  const rate = el('p', { class: 'rate', 'aria-live': 'off' });
  const progressBox = el('div', { class: 'hidden' }, bar, rate);
  const shown = resultBox();
  const result = shown.box;
  let started = 0;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (c.running || !c.canDecrypt()) return;
    c.running = true;
    go.disabled = true;
    shown.show();
    c.setStatus('Checking the password…');
    // The bytes are moved to the worker, which wipes them once wasm has its own
    // (wiped on drop).
    let secret;
    try {
      secret = await c.password.take();
    } catch (e) {
      failed({ name: 'KeyFile', message: String(e.message || e) });
      return;
    }
    link.send({
      op: 'open', id: c.id, file: c.file, ...secret, openssl: c.options.value(), forceWasm: link.forceWasm,
    }, [secret.password]);
  });

  cancel.addEventListener('click', () => {
    link.send({ op: 'cancel', id: c.id });
    cancel.disabled = true;
  });

  async function chooseDestination() {
    let handle = null;
    if (window.showSaveFilePicker && !link.forceWasm) {
      try {
        handle = await window.showSaveFilePicker({ suggestedName: c.info.outputName });
      } catch (e) {
        if (e.name === 'AbortError') {
          link.send({ op: 'close', id: c.id });
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
    c.setStatus('Decrypting… (the output is not verified until the end)');
    announce(`Decrypting ${c.file.name}`);
    // The worker refuses too, should the output end up in memory after all (a picker
    // that failed).
    link.send({
      op: 'run', id: c.id, handle, profile: link.profile, tuning: link.tuning, memoryOnly: link.memoryOnly,
      memory: { need: c.plan.need, limit: memoryLimit },
    });
  }

  function progress(m) {
    const f = m.done / m.total;
    bar.value = f;
    const secs = (performance.now() - started) / 1000;
    const speed = m.done / secs;
    rate.textContent = `${Math.floor(f * 100)} % · ${(speed / 1e6).toFixed(0)} MB/s · ${duration((m.total - m.done) / speed)} left`;
  }

  function reset() {
    c.running = false;
    go.disabled = !c.canDecrypt();
    cancel.disabled = true;
  }

  async function finished(m) {
    // A Blob the browser failed to keep (Chromium, with about 1 GiB in memory) is
    // unreadable from its first byte: say so now, not when the Save link fails.
    if (m.blob && m.blob.size > 0 && !(await readable(m.blob))) {
      failed({ name: 'OutputLost', message: `${bytes(m.blob.size)} held in memory` });
      return;
    }
    reset();
    bar.value = 1;
    const secs = m.ms / 1000;
    rate.textContent = `${bytes(m.bytes)} in ${secs.toFixed(1)} s (${(m.bytes / secs / 1e6).toFixed(0)} MB/s)`;
    if (m.stages) c.card.dataset.stages = JSON.stringify({ ...m.stages, total: m.ms });
    // The library's verdict on the whole decryption, in `backupcrypt verify`'s words:
    // the plaintext is offered either way, but content cut short or random is said.
    const text = `Done: ${m.verdict}. ${m.integrity}.`;
    c.setStatus(text, VERDICT_LOOKS[m.verdict] || 'bad');
    const name = c.info.outputName;
    if (m.blob) {
      shown.saveLink(m.blob, name, `Save ${name} (${bytes(m.blob.size)})`).focus();
    } else {
      shown.show(el('p', {}, `Saved as ${name}.`));
    }
    announce(`${c.file.name}: ${text}`);
  }

  function failed(m) {
    reset();
    progressBox.classList.add('hidden');
    // `note`: what became of the file the user picked, when there was one.
    const text = m.note ? `${explain(m)} ${m.note}` : explain(m);
    c.setStatus(text, 'bad');
    announce(`${c.file.name}: ${text}`);
    if (m.name === 'WrongPassword') c.password.focus();
  }

  return {
    go, cancel, progressBox, result,
    // Decrypt is offered once the header is read, or for a file without one when
    // the OpenSSL options say it has none.
    ready(enabled = true) { if (!c.running) go.disabled = !enabled; },
    onMessage(m) {
      if (m.op === 'opened') {
        c.setStatus(`Password accepted${m.options ? ` (as ${m.options})` : ''}. Decrypting with ${m.engine}…`);
        chooseDestination();
      } else if (m.op === 'started') {
        // Said before the bulk work: where the plaintext is held until it is saved.
        const where = {
          memory: `The decrypted file (up to ${bytes(m.bytes)}) is held in this tab's memory until you save it.`,
          storage: `The decrypted file (up to ${bytes(m.bytes)}) is written to this browser's private storage until you save it.`,
        }[m.where];
        if (where) c.setStatus(`Decrypting… (the output is not verified until the end) ${where}`);
      } else if (m.op === 'progress') {
        progress(m);
      } else if (m.op === 'done') {
        finished(m);
      } else if (m.op === 'error') {
        failed(m);
      }
    },
  };
}

// How each verdict looks: `ok`, or `bad` where the content says something went wrong.
const VERDICT_LOOKS = { ok: 'ok', unverifiable: 'ok', damaged: 'bad', 'wrong password': 'bad' };

async function readable(blob) {
  try {
    await blob.slice(blob.size - 1).arrayBuffer();
    return true;
  } catch (_) {
    return false;
  }
}
