// The "OpenSSL options" disclosure of a card: the same choices as the CLI's flags
// (--cipher, --md, --iter, --legacy-kdf, --nosalt, --salt), for the files whose
// options are not among the presets the page tries. The form only collects text; the
// library (openssl::Choices, through wasm) parses and combines it, and says what is
// wrong.
'use strict';

const CIPHERS = ['aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc', 'aes-256-ctr', 'aes-192-ctr', 'aes-128-ctr'];
const DIGESTS = ['sha256', 'sha512', 'sha1', 'md5'];

function opensslOptions(n, onChange) {
  const id = (k) => `${n}-ossl-${k}`;
  const select = (k, first, values) => el('select', { id: id(k) },
    el('option', { value: '' }, first), ...values.map((v) => el('option', { value: v }, v)));
  const cipher = select('cipher', 'not chosen (aes-256-cbc)', CIPHERS);
  const md = select('md', 'not chosen (sha256)', DIGESTS);
  const iter = el('input', { type: 'text', id: id('iter'), inputMode: 'numeric', autocomplete: 'off', placeholder: '10000', size: 10 });
  const legacy = el('input', { type: 'checkbox', id: id('legacy') });
  const nosalt = el('input', { type: 'checkbox', id: id('nosalt') });
  const salt = el('input', { type: 'text', id: id('salt'), autocomplete: 'off', spellcheck: false, size: 18, placeholder: '16 hex digits' });
  const field = (control, text, flag) => el('div', { class: 'option' },
    el('label', { htmlFor: control.id }, text, ' ', el('code', {}, flag)), control);
  const check = (control, text, flag) => el('div', { class: 'option' },
    control, el('label', { htmlFor: control.id }, text, ' ', el('code', {}, flag)));
  const help = el('p', { class: 'help', id: id('help') },
    'Only for OpenSSL files, and only when the page cannot guess them: what was given to ',
    el('code', {}, 'openssl enc'), '. Left empty, the common presets are tried.');
  const box = el('details', { class: 'openssl-options' },
    el('summary', {}, 'OpenSSL options'), help,
    field(cipher, 'Cipher', '-aes-…'), field(md, 'Digest', '-md'), field(iter, 'Iterations', '-iter'),
    check(legacy, 'Legacy key derivation (OpenSSL before 1.1.1)', 'no -pbkdf2'),
    check(nosalt, 'No salt', '-nosalt'), field(salt, 'Salt', '-S'));
  for (const c of [cipher, md, iter, legacy, nosalt, salt]) {
    c.addEventListener(c.tagName === 'INPUT' && c.type === 'text' ? 'input' : 'change', onChange);
  }
  return {
    box,
    open() { box.open = true; },
    // What the form holds, for wasm to parse; `undefined` when nothing is chosen.
    value() {
      const v = {
        cipher: cipher.value, md: md.value, iter: iter.value, legacyKdf: legacy.checked,
        nosalt: nosalt.checked, salt: salt.value,
      };
      const chosen = v.cipher || v.md || v.iter.trim() || v.legacyKdf || v.nosalt || v.salt.trim();
      return chosen ? v : undefined;
    },
  };
}
