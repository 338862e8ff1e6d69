// The ZIP browser: a files backup (ZIP written by Python's zipfile, encrypted by
// pyAesCrypt 6.0.0) lists its entries without a full decryption, filters, previews
// text, shows unsafe names without using them, and one entry downloads byte-exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, python, pyAesCryptEncrypt, sqlDump, sha256, openPage, card, readZip } from './lib.mjs';

const dir = workdir();
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(700 * 1024 + 3)]);
const sql = sqlDump(200 * 1024);
writeFileSync(join(dir, 'scan.pdf'), pdf);
writeFileSync(join(dir, 'report.sql'), sql);
const zipPath = join(dir, 'files.zip');
execFileSync(python(), ['-c', `
import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(sys.argv[2], 'w') as z:
    z.write(d + '/report.sql', 'report.sql', compress_type=zipfile.ZIP_DEFLATED)
    z.write(d + '/scan.pdf', '7KQ2ZP4M__medicalReports__scan.pdf', compress_type=zipfile.ZIP_STORED)
    z.writestr('../evil.txt', 'should never become a path')
    z.writestr('docs/', '')
`, dir, zipPath]);
const backup = pyAesCryptEncrypt(dir, '2022-10-01--00-00-05--part-1.zip.encrypted', readFileSync(zipPath), 'pw');

let ctx;
before(async () => { ctx = await openPage(); });
after(async () => {
  assert.deepEqual(ctx.requests, []);
  assert.deepEqual(ctx.errors, []);
  await ctx.close();
});

test('a ZIP backup lists, filters, previews, and one entry downloads byte-exact', async () => {
  const { page } = ctx;
  await page.setInputFiles('#files', [backup]);
  const c = card(page, 0);
  const list = c.getByRole('button', { name: 'List ZIP contents' });
  await list.waitFor();
  await c.getByLabel(/^Password for/).fill('wrong');
  await list.click();
  await c.locator('.status.bad').first().waitFor();
  assert.match(await c.locator('.status').first().textContent(), /^Wrong password/);

  await c.getByLabel(/^Password for/).fill('pw');
  await list.click();
  const rows = c.locator('.zip tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 4);
  assert.match(await c.locator('.status').first().textContent(), /4 entries listed without decrypting the whole file/);
  const text = await c.locator('.zip tbody').textContent();
  assert.match(text, /7KQ2ZP4M__medicalReports__scan\.pdf/);
  assert.match(text, /\.\.\/evil\.txt.*Unsafe name \('\.\.' component \(path traversal\)\): saved as entry-3, never as this path/);

  // Sort by size, descending: the PDF first.
  await c.getByRole('button', { name: 'Size' }).click();
  await c.getByRole('button', { name: 'Size' }).click();
  assert.match(await rows.first().textContent(), /scan\.pdf/);
  assert.equal(await c.locator('th[aria-sort]').getAttribute('aria-sort'), 'descending');

  await c.getByLabel('Filter by name').fill('scan');
  assert.equal(await rows.count(), 1);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    c.getByRole('button', { name: 'Download 7KQ2ZP4M__medicalReports__scan.pdf' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), '7KQ2ZP4M__medicalReports__scan.pdf');
  assert.equal(sha256(readFileSync(await download.path())), sha256(pdf));

  await c.getByLabel('Filter by name').fill('');
  await c.getByRole('button', { name: 'Preview report.sql' }).click();
  await c.locator('pre.preview').waitFor();
  assert.ok((await c.locator('pre.preview').textContent()).startsWith('--\n-- PostgreSQL database dump'));

  // The unsafe entry downloads under a neutral name, never its own path.
  const [evil] = await Promise.all([
    page.waitForEvent('download'),
    c.getByRole('button', { name: 'Download ../evil.txt' }).click(),
  ]);
  assert.equal(evil.suggestedFilename(), 'entry-3');
  assert.equal(readFileSync(await evil.path()).toString(), 'should never become a path');

  // A selection is one plain ZIP (there is no File System Access API here), each
  // entry under its safe name, CRC-32 checked on the way.
  await c.getByRole('checkbox', { name: 'Select report.sql' }).check();
  await c.getByRole('checkbox', { name: 'Select 7KQ2ZP4M__medicalReports__scan.pdf' }).check();
  await c.getByRole('button', { name: 'Save selected as one ZIP' }).click();
  const [bundle] = await Promise.all([page.waitForEvent('download'), c.locator('.zip a.save').click()]);
  assert.equal(bundle.suggestedFilename(), 'selected-2022-10-01--00-00-05--part-1.zip');
  assert.deepEqual(readZip(await bundle.path()), {
    'report.sql': sha256(sql),
    '7KQ2ZP4M__medicalReports__scan.pdf': sha256(pdf),
  });

  await c.getByRole('button', { name: 'Verify whole backup (HMAC)' }).click();
  await c.locator('.zip .status.ok').filter({ hasText: 'Whole backup checked' }).waitFor();
  assert.match(await c.locator('.zip .status').textContent(), /verified \(HMAC-SHA256\)/);
});
