// The secret of a card: a password typed into the field (with its Show button), or a
// key file chosen beside it (AES Crypt's key files: the library decodes them). It is
// taken once per attempt and the field cleared at once: the page keeps no copy (a JS
// string cannot be wiped; the page drops its reference, and wipes the bytes it read).
'use strict';

function passwordField(n, fileName) {
  const input = el('input', { type: 'password', id: `${n}-pass`, autocomplete: 'off', spellcheck: false });
  const show = el('button', { type: 'button', 'aria-pressed': 'false', 'aria-controls': `${n}-pass` }, 'Show');
  show.addEventListener('click', () => {
    const visible = input.type === 'password';
    input.type = visible ? 'text' : 'password';
    show.textContent = visible ? 'Hide' : 'Show';
    show.setAttribute('aria-pressed', String(visible));
  });
  const keyPicker = el('input', { type: 'file', id: `${n}-key`, 'aria-describedby': `${n}-key-help` });
  const keyHelp = el('span', { id: `${n}-key-help`, class: 'help' }, 'Instead of the password (AES Crypt key files, or a text file).');
  const forget = el('button', { type: 'button', class: 'hidden' }, 'Forget the key file');
  let keyFile = null;
  const useKey = (file) => {
    keyFile = file;
    input.disabled = !!file;
    forget.classList.toggle('hidden', !file);
    keyHelp.textContent = file
      ? `Using the key file ${file.name} instead of the password.`
      : 'Instead of the password (AES Crypt key files, or a text file).';
  };
  keyPicker.addEventListener('change', () => useKey(keyPicker.files[0] || null));
  forget.addEventListener('click', () => { keyPicker.value = ''; useKey(null); keyPicker.focus(); });
  return {
    label: el('label', { htmlFor: `${n}-pass`, class: 'label' }, `Password for ${fileName}`),
    controls: [input, show],
    keyRow: el('div', { class: 'row key' },
      el('label', { htmlFor: `${n}-key` }, 'or a key file'), keyPicker, forget, keyHelp),
    focus: () => (keyFile ? keyPicker : input).focus(),
    // `{password, keyFile}`: the password's UTF-8 bytes, or the key file's bytes
    // (`keyFile: true`), as a buffer to transfer to the worker.
    async take() {
      if (keyFile) {
        return { password: await keyFile.arrayBuffer(), keyFile: true };
      }
      const bytes = new TextEncoder().encode(input.value);
      input.value = '';
      return { password: bytes.buffer, keyFile: false };
    },
  };
}
