// Sizes, durations and errors in the words of the person restoring a backup.
'use strict';

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
const ADVICE = {
  WrongPassword: 'Wrong password. Nothing was decrypted; type it again.',
  Corrupt: 'The file is damaged. Nothing was saved.',
  Truncated: 'The file is truncated (an incomplete download or copy?). Nothing was saved.',
  NotEncrypted: 'This is not an encrypted backup: it has no OpenSSL or AES Crypt header.',
  Unsupported: 'This file uses something the page does not support.',
  ExcessiveWork: 'The file asks for an unreasonable amount of key-derivation work; refused.',
  Cancelled: 'Cancelled. Nothing was saved.',
  QuotaExceededError: 'There is not enough space to save the file. Nothing was saved.',
  InvalidInput: 'Check the password, key file and OpenSSL options.',
  KeyFile: 'The key file cannot be read.',
  TooLarge: 'Too large to decrypt in this browser\'s memory. Nothing was saved.',
  Stalled: 'The decryption stopped: one of its steps did not finish. Nothing was saved.',
  WorkerFailed: 'The page\'s worker failed. Nothing was saved.',
  OutputLost: 'The browser could not keep the decrypted file in its memory, so nothing can be saved. Try again with a browser that asks where to save (Chrome or Edge), or use the backupcrypt command.',
  OldBrowser: 'This browser is too old for the page: it needs WebAssembly SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or newer).',
};

function explain(m) {
  const head = ADVICE[m.name] || 'Decryption failed. Nothing was saved.';
  return m.name === 'Cancelled' ? head : `${head} (${m.message})`;
}
