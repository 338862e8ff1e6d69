// One card per chosen file: what the header says, the password, and the two ways to
// open it (decrypt the whole file, or list the ZIP inside).
'use strict';

function addCard(file) {
  const id = link.newId();
  const n = `f${id}`;
  const status = el('p', { class: 'status', id: `${n}-status`, role: 'status', 'aria-live': 'polite' }, 'Reading the header…');
  // What the card's parts share: the file, its header's description once read, and
  // whether a decryption is running.
  const c = {
    id, n, file, info: null, plan: null, running: false,
    // The library's answer for the options now chosen: a file with a header, or one
    // without when the options say it has none (the worker asks wasm).
    decryptable: false,
    setStatus: (text, kind) => setStatusOf(status, text, kind),
    // Refused (before any work) when the output would not fit where it is kept.
    canDecrypt: () => !!c.info && c.plan.fits && c.decryptable,
  };
  // Each change of the options asks again; only the latest answer counts.
  let asked = 0;
  const askDecryptable = () => link.send({ op: 'decryptable', id, file, openssl: c.options.value(), asked: ++asked });
  const info = el('dl', { class: 'info' });
  c.password = passwordField(n, file.name);
  c.options = opensslOptions(n, () => { if (c.info) askDecryptable(); });
  const form = el('form', { class: 'decrypt', 'aria-labelledby': `${n}-name` });
  const run = decryption(c, form);
  const zip = zipOpener(c);
  form.append(c.password.label, el('div', { class: 'row' }, ...c.password.controls, run.go, zip.button, run.cancel),
    c.password.keyRow, c.options.box);
  c.card = el('li', { class: 'card' },
    el('h3', { id: `${n}-name` }, file.name), info, form, run.progressBox, status, run.result, zip.box);
  $('file-list').append(c.card);

  const row = (k, v) => { if (v != null && v !== '') info.append(el('dt', {}, k), el('dd', {}, String(v))); };
  function describe(i) {
    c.info = i;
    c.decryptable = i.decryptable;
    c.plan = outputPlan(i);
    if (i.notEncrypted) {
      // Maybe an OpenSSL file made without its header (-nosalt, -S): only the
      // options can open it.
      row('File size', bytes(i.fileSize));
      row('Will be saved as', i.outputName);
      row('Memory', c.plan.text);
      c.setStatus(`${explain({ name: 'NotEncrypted', message: i.notEncrypted })} If it is an OpenSSL file made with -nosalt or -S, choose them under "OpenSSL options".`, 'bad');
      run.ready(false);
      return;
    }
    row('Format', i.format + (i.version != null ? `, version ${i.version}` : ''));
    row('Key derivation', i.kdf);
    row('File size', bytes(i.fileSize));
    row('Decrypted size', i.plaintextSize === 'unknown' ? 'unknown' : `${i.plaintextSize} bytes`);
    row('Created by', i.createdBy);
    row('Backup date', i.backupDate);
    row('Integrity', i.integrity);
    row('Will be saved as', i.outputName);
    row('Memory', c.plan.text);
    // AES Crypt records its options; OpenSSL does not, so only its files offer them.
    c.options.box.classList.toggle('hidden', !i.openssl);
    run.ready(c.canDecrypt());
    zip.ready(i.zipInside);
    // Listing a ZIP holds one entry at a time, so it stays offered.
    if (c.plan.fits) c.setStatus('Ready: enter the password.');
    else c.setStatus(c.plan.refusal, 'bad');
  }

  link.listen(id, (m) => {
    if (m.op === 'info') describe(m.info);
    else if (m.op === 'decryptable') {
      if (m.asked === asked) { c.decryptable = m.yes; run.ready(c.canDecrypt()); }
    }
    else if (m.op.startsWith('zip') || (m.op === 'error' && m.about && m.about.startsWith('zip'))) zip.onMessage(m);
    else run.onMessage(m);
  });
  link.send({ op: 'inspect', id, file });
}
