// Restoring many entries of a ZIP backup in one action, in each engine. Where the File
// System Access API exists (served over http:// here, with the folder picker answered
// by an origin-private folder, as a headless browser cannot show the dialog; Firefox,
// which can write such files, takes the same path), the entries go into the chosen folder under
// their checked paths (unsafe and case-duplicate names as entry-N), never over an
// existing file, and a failed write removes its file and says so. Without the API
// (file://, the picker removed) they come as one plain ZIP, read by Python's zipfile
// and Info-ZIP; an entry whose CRC-32 is wrong stops it (no ZIP offered); Cancel
// stops it between entries.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, python, pyAesCryptEncrypt, sqlDump, sha256, digest, eachEngine, openPage, servePage, WRITE_CAPABILITY } from './lib.mjs';

const dir = workdir();
const PASSWORD = 'restore-pw';
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300 * 1024)]);
const sql = sqlDump(200 * 1024);
writeFileSync(join(dir, 'scan.pdf'), pdf);
writeFileSync(join(dir, 'report.sql'), sql);

/** A ZIP written by Python's zipfile from a script's body (`z` is the ZipFile, `d` the dir). */
function pythonZip(name, body) {
  const path = join(dir, name);
  execFileSync(python(), ['-c', `import sys, zipfile\nd = sys.argv[1]\nwith zipfile.ZipFile(sys.argv[2], 'w') as z:\n${body}`, dir, path]);
  return path;
}

/** Reads a ZIP with Python's zipfile (`testzip`) and Info-ZIP (`unzip -t`): name → SHA-256. */
function readZip(bytes) {
  const path = join(dir, `read-${randomBytes(4).toString('hex')}.zip`);
  writeFileSync(path, bytes);
  execFileSync('unzip', ['-tq', path]);
  return JSON.parse(execFileSync(python(), ['-c', `
import sys, json, hashlib, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))
`, path]));
}

const files = pythonZip('files.zip', `
    z.write(d + '/report.sql', 'docs/2022/report.sql', compress_type=zipfile.ZIP_DEFLATED)
    z.write(d + '/scan.pdf', 'scans/scan.pdf', compress_type=zipfile.ZIP_STORED)
    z.writestr('../evil.txt', 'should never become a path')
    z.writestr('docs/', '')
    z.writestr('README.TXT', 'upper')
    z.writestr('readme.txt', 'lower')
`);
const backup = pyAesCryptEncrypt(dir, '2022-10-01--00-00-05--part-1.zip.encrypted', readFileSync(files), PASSWORD);
// Where each file entry is saved, with its data's SHA-256.
const expected = {
  'docs/2022/report.sql': sha256(sql),
  'scans/scan.pdf': sha256(pdf),
  'entry-3': sha256(Buffer.from('should never become a path')),
  'README.TXT': sha256(Buffer.from('upper')),
  'entry-6': sha256(Buffer.from('lower')),
};

// A stored entry with one byte of its data changed: the listing is intact, the CRC-32 is not.
const crcZip = pythonZip('crc.zip', `
    z.writestr('good.txt', 'fine')
    z.writestr(zipfile.ZipInfo('bad.bin'), bytes(range(256)) * 64)
`);
{
  const b = Buffer.from(readFileSync(crcZip));
  b[b.indexOf(Buffer.from('bad.bin')) + 'bad.bin'.length + 1000] ^= 0xff;
  writeFileSync(crcZip, b);
}
const crcBackup = pyAesCryptEncrypt(dir, 'crc.zip.encrypted', readFileSync(crcZip), PASSWORD);

// Many entries, for Cancel between entries.
const many = pythonZip('many.zip', `
    import os
    for i in range(24):
        z.writestr(f'part-{i:02}.bin', os.urandom(256 * 1024))
`);
const manyBackup = pyAesCryptEncrypt(dir, 'many.zip.encrypted', readFileSync(many), PASSWORD);

eachEngine((engine, test) => {
  async function listZip(ctx, path) {
    const n = await ctx.add(path);
    await ctx.ready(n);
    await ctx.fill(n, PASSWORD);
    await ctx.click(n, 'List ZIP contents');
    await ctx.waitFor((t, n) => !!t.card(n).querySelector('.zip tbody tr'), [n], { what: 'the entries' });
    return n;
  }
  const zipStatus = (ctx, n) => ctx.run((t, n) => {
    const s = t.card(n).querySelector('.zip .status');
    return { text: s.textContent.trim(), cls: s.className };
  }, n);
  /** Waits until the ZIP browser's status matches `re` (and is ok or bad); returns its text. */
  const zipOutcome = (ctx, n, re = /./, timeout = 120000) => ctx.waitFor((t, n, re) => {
    const s = t.card(n).querySelector('.zip .status');
    return /\b(ok|bad)\b/.test(s.className) && re.test(s.textContent) && s.textContent.trim();
  }, [n, re], { timeout, what: `card ${n}'s ZIP outcome ${re}` });

  test('File System Access: everything into a chosen folder, under checked paths; a failed write removes its file', async () => {
    const server = await servePage();
    const ctx = await openPage(engine, { url: server.url, removeSavePicker: false });
    try {
      // The page saves into a folder where the engine offers a folder picker; it can
      // then write files from the page. An engine without the picker (Firefox, WebKit)
      // takes the one-ZIP path below, but where it can write such files (Firefox) the
      // folder path is checked here all the same, with the picker answered.
      const can = await ctx.run(WRITE_CAPABILITY);
      if (!can.writable) {
        assert.equal(can.picker, false, `[${engine}] a folder picker without a way to write into it`);
        return;
      }
      await ctx.run(() => {
        window.folder = 'restore';
        window.showDirectoryPicker = async () => {
          const root = await navigator.storage.getDirectory();
          return root.getDirectoryHandle(window.folder, { create: true });
        };
        // Every file under an origin-private folder, with its data's SHA-256.
        window.tree = async (name) => {
          const out = {};
          const walk = async (d, prefix) => {
            for await (const [n, h] of d.entries()) {
              if (h.kind === 'directory') await walk(h, `${prefix}${n}/`);
              else {
                const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', await (await h.getFile()).arrayBuffer()));
                out[prefix + n] = [...sum].map((x) => x.toString(16).padStart(2, '0')).join('');
              }
            }
          };
          await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(name), '');
          return out;
        };
        return true;
      });
      const n = await listZip(ctx, backup);
      await ctx.click(n, 'Save all to a folder');
      assert.match(await zipOutcome(ctx, n, /^Saved/), /^Saved 5 entries into restore, each under its checked path/);
      assert.deepEqual(await ctx.run(() => window.tree('restore')), expected);

      // Again into the same folder: nothing is overwritten.
      await ctx.click(n, 'Save all to a folder');
      assert.match(await zipOutcome(ctx, n, /already existed/), /^Saved 0 entries into restore.* 5 already existed and were left as they were/);

      // A write that fails (the disk is full): the file it started is removed, and the page says so.
      await ctx.run(() => {
        window.folder = 'full';
        FileSystemWritableFileStream.prototype.write = function () {
          return Promise.reject(new DOMException('no space left (test)', 'QuotaExceededError'));
        };
        return true;
      });
      await ctx.run((t, n) => { t.find(n, 'input[type=checkbox]', 'Select scans/scan.pdf').click(); return true; }, n);
      await ctx.click(n, 'Save selected to a folder');
      assert.match(await zipOutcome(ctx, n, /Could not write/),
        /^Could not write scans\/scan\.pdf \(QuotaExceededError: no space left \(test\)\); the file was removed\. 0 entries were saved before it/);
      assert.deepEqual(await ctx.run(() => window.tree('full')), {});
      assert.deepEqual(await ctx.requests(), []);
      assert.deepEqual(server.served.filter((u) => u !== '/favicon.ico'), ['/backupcrypt.html']);
      assert.deepEqual((await ctx.errors()).filter((e) => !/favicon\.ico/.test(e)), []);
    } finally {
      await ctx.close();
      await server.close();
    }
  });

  let ctx;
  before(async () => {
    ctx = await openPage(engine);
    // file://: no folder picker (and a headless browser could not show it).
    await ctx.run(() => { delete window.showDirectoryPicker; return true; });
  });
  after(async () => {
    assert.deepEqual(await ctx.requests(), []);
    assert.deepEqual(await ctx.errors(), []);
    await ctx.close();
  });

  /** Clicks the Save link of card `n`'s ZIP browser; returns the name and the bytes. */
  async function saveZip(n) {
    const before = await ctx.run((t) => t.downloads.length);
    await ctx.click(n, /^Save /, '.zip a.save');
    await ctx.waitFor((t, i) => t.downloads.length > i, [before], { what: 'a download' });
    const d = await ctx.run(async (t, i) => {
      const { name, href } = t.downloads[i];
      const bytes = new Uint8Array(await t.blobs.get(href).arrayBuffer());
      let s = '';
      for (let j = 0; j < bytes.length; j += 0x8000) s += String.fromCharCode(...bytes.subarray(j, j + 0x8000));
      return { name, base64: btoa(s) };
    }, before);
    return { name: d.name, bytes: Buffer.from(d.base64, 'base64') };
  }

  test('without File System Access: everything as one plain ZIP, read by zipfile and Info-ZIP', async () => {
    const n = await listZip(ctx, backup);
    await ctx.click(n, 'Save all as one ZIP');
    assert.match(await zipOutcome(ctx, n), /^5 entries written into one ZIP/);
    const { name, bytes } = await saveZip(n);
    assert.equal(name, 'selected-2022-10-01--00-00-05--part-1.zip');
    assert.deepEqual(readZip(bytes), expected);
  });

  test('an entry whose CRC-32 is wrong stops the ZIP: nothing is offered', async () => {
    const n = await listZip(ctx, crcBackup);
    await ctx.click(n, 'Save all as one ZIP');
    assert.match(await zipOutcome(ctx, n), /^The file is damaged.*CRC-32.*No ZIP was made/);
    assert.equal(await ctx.count(n, '.zip a.save'), 0);
    // The entry alone is refused the same way; the good one still downloads.
    await ctx.click(n, 'Download bad.bin');
    await zipOutcome(ctx, n, /bad\.bin was not saved/);
    assert.deepEqual(await ctx.download(() => ctx.click(n, 'Download good.txt')),
      { name: 'good.txt', digest: digest(Buffer.from('fine')) });
  });

  test('Cancel stops the ZIP between entries; a second try makes all of it', async () => {
    const n = await listZip(ctx, manyBackup);
    // At once: the worker hears it after the first entry (it yields to messages between entries).
    await ctx.run((t, n) => {
      t.button(n, 'Save all as one ZIP').click();
      t.button(n, 'Cancel saving').click();
      return true;
    }, n);
    assert.equal(await zipOutcome(ctx, n), 'Cancelled: no ZIP was made.');
    assert.equal(await ctx.count(n, '.zip a.save'), 0);

    await ctx.click(n, 'Save all as one ZIP');
    assert.match(await zipOutcome(ctx, n, /written into one ZIP/, 300000), /^24 entries written into one ZIP/);
    const { bytes } = await saveZip(n);
    const listed = JSON.parse(execFileSync(python(), ['-c', `
import sys, json, hashlib, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))
`, many]));
    assert.deepEqual(readZip(bytes), listed);
  });
});
