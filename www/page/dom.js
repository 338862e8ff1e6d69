// Building the page's elements, and the one live region that speaks to screen readers.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k in e && k !== 'list') e[k] = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// Emptied first and filled a moment later, so that the same text twice is read twice.
function announce(text) {
  const announcer = $('announce');
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = text; }, 50);
}

// A status line: its text, and `ok` / `bad` for the colour (and for the tests).
function setStatusOf(status, text, kind) {
  status.textContent = text;
  status.className = `status ${kind || ''}`;
}

// Where a card shows its outcome: words, or a Save link for a Blob. The link's object
// URL is revoked when what is shown is replaced (the next decryption, the next ZIP):
// else every output made in the tab stays in memory until the tab is closed (with the
// tests' repeat mode, Chromium's Blob store then lost a later output).
function resultBox() {
  const box = el('div', { class: 'result' });
  let url = null;
  const show = (...nodes) => {
    if (url) URL.revokeObjectURL(url);
    url = null;
    box.replaceChildren(...nodes);
  };
  const saveLink = (blob, name, label) => {
    show();
    url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name, class: 'button save' }, label);
    box.replaceChildren(a);
    return a;
  };
  return { box, show, saveLink };
}

// Starts the download of `blob` as `name`. Its object URL is revoked a minute later,
// once the browser has the download (a URL revoked at once can cancel it).
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
