// After a decryption the card says what `backupcrypt verify` says of the content, in
// its words (the library's content check, fed by the page's worker): a pg_dump whose
// footer was found, a ZIP whose end record was found, or content cut short; the
// plaintext is offered either way. The WebCrypto fast path and the wasm-only fallback
// (`#engine=wasm`) give the same words, in each engine.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, python, opensslEncrypt, pyAesCryptEncrypt, sqlDump, digest, eachEngine, finish, openPage, decrypt, save } from './lib.mjs';

const dir = workdir();
const dump = sqlDump(3 * 1024 * 1024 + 11);
// pg_dump killed before it finished: the footer never came.
const cutDump = dump.subarray(0, dump.length - 100);
const zipPath = join(dir, 'files.zip');
execFileSync(python(), ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('db/report.sql', 'SELECT 1;\\n' * 50000, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('notes.txt', 'hello')
    z.writestr('big.bin', bytes(range(256)) * 4096)
`, zipPath]);
const zip = readFileSync(zipPath);
// A copy that stopped before the end record.
const cutZip = zip.subarray(0, zip.length - 30);

// The card's words (`verify`'s, after its verdict), and the plaintext offered.
const cases = [
  [opensslEncrypt(dir, 'db.sql.enc', dump, 'pw'), dump,
    'Done: ok. padding valid; PostgreSQL dump, complete.'],
  [opensslEncrypt(dir, 'cut.sql.enc', cutDump, 'pw'), cutDump,
    'Done: damaged. padding valid; PostgreSQL dump without its `-- PostgreSQL database dump complete` footer '
    + '(pg_dump did not finish, or the end is damaged).'],
  [pyAesCryptEncrypt(dir, 'files.zip.aes', zip, 'pw'), zip, 'Done: ok. HMAC verified; ZIP archive (3 entries).'],
  [pyAesCryptEncrypt(dir, 'cut.zip.aes', cutZip, 'pw'), cutZip,
    'Done: damaged. HMAC verified; ZIP archive without a valid end record (incomplete or damaged).'],
];

for (const [label, hash] of [['WebCrypto + wasm', ''], ['wasm only', '#engine=wasm']]) {
  eachEngine((engine, test) => {
    let ctx;
    before(async () => { ctx = await openPage(engine, { hash }); });
    after(() => finish(ctx));

    test(`${label}: the card says what verify says of the content`, async () => {
      const first = await ctx.add(...cases.map(([p]) => p));
      for (const [i, [, bytes, words]] of cases.entries()) {
        assert.equal(await decrypt(ctx, first + i, 'pw'), words);
        assert.equal(await save(ctx, first + i), digest(bytes));
      }
    });
  });
}
