// Where a decrypted file is kept until it is saved, and whether it fits there: said on
// the card before Decrypt, and a file that cannot fit is refused before any work.
'use strict';

const GiB = 1024 ** 3;

// The most a decryption may hold in this tab's memory. Where the output has nowhere
// else to go (no File System Access API, no origin-private file system from here:
// Chromium without the picker, and WebKit, from file://), the whole decrypted file is
// held as a Blob until it is saved; WebKit's web process peaked at 1.2–2.0× the
// output (1,184 and 2,076 MiB for 1 GiB files). So: 2 GiB, or a quarter of the
// device's memory where the engine says it (`navigator.deviceMemory`, Chromium: GiB,
// at most 8), whichever is less. `performance.memory` is not used: it bounds the JavaScript heap, not Blobs.
// `#memory-limit=N` (bytes) sets it, for the tests.
const memoryLimit = (() => {
  const hook = /(^|[#&])memory-limit=(\d+)(&|$)/.exec(location.hash);
  if (hook) return Number(hook[2]);
  const device = navigator.deviceMemory;
  return device > 0 ? Math.min(2 * GiB, (device * GiB) / 4) : 2 * GiB;
})();

// Where card `info`'s output will go and what that holds: a file the user picks
// (File System Access), the browser's private storage (the worker said it can write
// there), else this tab's memory, up to `memoryLimit`. The output is never larger
// than `plaintextAtMost` (wasm's bound: exact where the format tells, else the largest
// it can be).
function outputPlan(info) {
  const need = info.plaintextAtMost != null ? info.plaintextAtMost : info.fileSize;
  if (window.showSaveFilePicker && !link.forceWasm) {
    return { where: 'picked', need, fits: true, text: 'little: the decrypted file is written to the file you choose as it is decrypted' };
  }
  if (info.storage && !link.memoryOnly) {
    return { where: 'storage', need, fits: true, text: 'little: the decrypted file is written to this browser\'s private storage as it is decrypted' };
  }
  return {
    where: 'memory', need, limit: memoryLimit, fits: need <= memoryLimit,
    text: `about ${bytes(need)}: this browser holds the decrypted file in this tab's memory until you save it (at most ${bytes(memoryLimit)} here)`,
    refusal: `Too large to decrypt in this browser: it would hold about ${bytes(need)} in this tab's memory, more than the ${bytes(memoryLimit)} allowed here. Nothing was decrypted. Chrome, Edge and Firefox write the decrypted file to disk as they go; the command-line tool does too.`,
  };
}
