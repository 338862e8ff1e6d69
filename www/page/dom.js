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
