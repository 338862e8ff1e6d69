// Restoring many entries of a ZIP backup in one action. Where the File System Access
// API exists (served over http:// here, with the folder picker answered by an
// origin-private folder, as a headless browser cannot show the dialog), the entries
// go into the chosen folder under their checked paths (unsafe and case-duplicate names
// as entry-N), never over an existing file, and a failed write removes its file and
// says so. Elsewhere (file://, the picker removed) they come as one plain ZIP, read by
// Python's zipfile and Info-ZIP; an entry whose CRC-32 is wrong stops it (no ZIP
// offered); Cancel stops it between entries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, python, pyAesCryptEncrypt, sqlDump, sha256, openPage, card, readZip, PAGE } from './playwright-lib.mjs';

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
  const at = b.indexOf(Buffer.from('bad.bin')) + 'bad.bin'.length + 1000;
  b[at] ^= 0xff;
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

async function listZip(page, n, path) {
  await page.setInputFiles('#files', [path]);
  const c = card(page, n);
  const list = c.getByRole('button', { name: 'List ZIP contents' });
  await list.waitFor();
  await c.getByLabel(/^Password for/).fill(PASSWORD);
  await list.click();
  await c.locator('.zip tbody tr').first().waitFor();
  return c;
}

const zipStatus = async (c) => (await c.locator('.zip .status').textContent()).trim();
const settled = (c) => c.locator('.zip .status.ok, .zip .status.bad').waitFor({ timeout: 60000 });

test('File System Access: everything into a chosen folder, under checked paths; a failed write removes its file', async () => {
  const html = readFileSync(PAGE);
  let served = 0;
  const server = createServer((req, res) => {
    served++;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const ctx = await openPage({ url: `http://127.0.0.1:${server.address().port}/backupcrypt.html`, removeSavePicker: false });
  try {
    const { page } = ctx;
    await page.evaluate(() => {
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
              const bytes = await (await h.getFile()).arrayBuffer();
              const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
              out[prefix + n] = [...sum].map((x) => x.toString(16).padStart(2, '0')).join('');
            }
          }
        };
        await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(name), '');
        return out;
      };
      window.folder = 'restore';
    });
    const c = await listZip(page, 0, backup);
    await c.getByRole('button', { name: 'Save all to a folder' }).click();
    await settled(c);
    assert.match(await zipStatus(c), /^Saved 5 entries into restore, each under its checked path/);
    assert.deepEqual(await page.evaluate(() => window.tree('restore')), expected);

    // Again into the same folder: nothing is overwritten.
    await c.getByRole('button', { name: 'Save all to a folder' }).click();
    await c.locator('.zip .status.ok', { hasText: 'already existed' }).waitFor({ timeout: 60000 });
    assert.match(await zipStatus(c), /^Saved 0 entries into restore.* 5 already existed and were left as they were/);

    // A write that fails (the disk is full): the file it started is removed, and the page says so.
    await page.evaluate(() => {
      window.folder = 'full';
      FileSystemWritableFileStream.prototype.write = function () {
        return Promise.reject(new DOMException('no space left (test)', 'QuotaExceededError'));
      };
    });
    await c.getByRole('checkbox', { name: 'Select scans/scan.pdf' }).check();
    await c.getByRole('button', { name: 'Save selected to a folder' }).click();
    await c.locator('.zip .status.bad', { hasText: 'Could not write' }).waitFor({ timeout: 60000 });
    assert.match(await zipStatus(c),
      /^Could not write scans\/scan\.pdf \(QuotaExceededError: no space left \(test\)\); the file was removed\. 0 entries were saved before it/);
    assert.deepEqual(await page.evaluate(() => window.tree('full')), {});
    assert.deepEqual(ctx.requests, []);
    assert.equal(served, 1);
    assert.deepEqual(ctx.errors, []);
  } finally {
    await ctx.close();
    server.close();
  }
});

let ctx;
before(async () => { ctx = await openPage(); });
after(async () => {
  assert.deepEqual(ctx.requests, []);
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
});

test('without File System Access: everything as one plain ZIP, read by zipfile and Info-ZIP', async () => {
  const c = await listZip(ctx.page, 0, backup);
  await c.getByRole('button', { name: 'Save all as one ZIP' }).click();
  await settled(c);
  assert.match(await zipStatus(c), /^5 entries written into one ZIP/);
  const [download] = await Promise.all([ctx.page.waitForEvent('download'), c.locator('.zip a.save').click()]);
  assert.equal(download.suggestedFilename(), 'selected-2022-10-01--00-00-05--part-1.zip');
  assert.deepEqual(readZip(await download.path()), expected);
});

test('an entry whose CRC-32 is wrong stops the ZIP: nothing is offered', async () => {
  const c = await listZip(ctx.page, 1, crcBackup);
  await c.getByRole('button', { name: 'Save all as one ZIP' }).click();
  await settled(c);
  assert.match(await zipStatus(c), /^The file is damaged.*CRC-32.*No ZIP was made/);
  assert.equal(await c.locator('.zip a.save').count(), 0);
  // The entry alone is refused the same way; the good one still downloads.
  await c.getByRole('button', { name: 'Download bad.bin' }).click();
  await c.locator('.zip .status.bad', { hasText: 'bad.bin was not saved' }).waitFor();
  const [good] = await Promise.all([
    ctx.page.waitForEvent('download'),
    c.getByRole('button', { name: 'Download good.txt' }).click(),
  ]);
  assert.equal(readFileSync(await good.path()).toString(), 'fine');
});

test('Cancel stops the ZIP between entries; a second try makes all of it', async () => {
  const c = await listZip(ctx.page, 2, manyBackup);
  await c.getByRole('button', { name: 'Save all as one ZIP' }).click();
  // At once: the worker hears it after the first entry (it yields to messages between entries).
  await c.getByRole('button', { name: 'Cancel saving' }).click();
  await settled(c);
  assert.equal(await zipStatus(c), 'Cancelled: no ZIP was made.');
  assert.equal(await c.locator('.zip a.save').count(), 0);

  await c.getByRole('button', { name: 'Save all as one ZIP' }).click();
  await c.locator('.zip .status.ok').waitFor({ timeout: 120000 });
  const [download] = await Promise.all([ctx.page.waitForEvent('download'), c.locator('.zip a.save').click()]);
  const got = readZip(await download.path());
  assert.equal(Object.keys(got).length, 24);
  const listed = JSON.parse(execFileSync(python(), ['-c', `
import sys, json, hashlib, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))
`, many]));
  assert.deepEqual(got, listed);
});
