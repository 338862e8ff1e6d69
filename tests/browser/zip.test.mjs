// The ZIP browser, in each engine: a files backup (ZIP written by Python's zipfile, encrypted by
// pyAesCrypt 6.0.0) lists its entries without a full decryption, filters, previews
// text, shows unsafe names without using them, and one entry downloads byte-exact.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workdir, python, pyAesCryptEncrypt, sqlDump, sha256, digest, readZip, eachEngine, finish, openPage } from './lib.mjs';

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

eachEngine((engine, test) => {
  let ctx;
  before(async () => { ctx = await openPage(engine); });
  // The page asks for nothing, and nothing fails, over every test of the suite.
  after(() => finish(ctx));

  test('a ZIP backup lists, filters, previews, and one entry downloads byte-exact', async () => {
    const n = await ctx.add(backup);
    const rows = () => ctx.count(n, '.zip tbody tr');
    const zipStatus = () => ctx.text(n, '.zip .status');
    await ctx.ready(n);
    await ctx.fill(n, 'wrong');
    await ctx.click(n, 'List ZIP contents');
    assert.match(await ctx.outcome(n), /^Wrong password/);

    await ctx.fill(n, 'pw');
    await ctx.click(n, 'List ZIP contents');
    await ctx.waitFor((t, n) => !!t.card(n).querySelector('.zip tbody tr'), [n], { timeout: 90000, what: 'the entries' });
    assert.equal(await rows(), 4);
    assert.match((await ctx.status(n)).text, /4 entries listed without decrypting the whole file/);
    const text = await ctx.text(n, '.zip tbody');
    assert.match(text, /7KQ2ZP4M__medicalReports__scan\.pdf/);
    assert.match(text, /\.\.\/evil\.txt.*Unsafe name \((unsafe name: )?'\.\.' component \(path traversal\)\): saved as entry-3, never as this path/);

    // Sort by size, descending: the PDF first.
    await ctx.click(n, 'Size');
    await ctx.click(n, 'Size');
    assert.match(await ctx.text(n, '.zip tbody tr'), /scan\.pdf/);
    assert.equal(await ctx.run((t, n) => t.card(n).querySelector('th[aria-sort]').getAttribute('aria-sort'), n), 'descending');

    await ctx.fill(n, 'scan', 'input[type=search]');
    assert.equal(await rows(), 1);
    const pdfSaved = await ctx.download(() => ctx.click(n, 'Download 7KQ2ZP4M__medicalReports__scan.pdf'));
    assert.deepEqual(pdfSaved, { name: '7KQ2ZP4M__medicalReports__scan.pdf', digest: digest(pdf) });

    await ctx.fill(n, '', 'input[type=search]');
    await ctx.click(n, 'Preview report.sql');
    const preview = await ctx.waitFor((t, n) => {
      const p = t.card(n).querySelector('pre.preview');
      return !p.classList.contains('hidden') && p.textContent;
    }, [n], { what: 'the preview' });
    assert.ok(preview.startsWith('--\n-- PostgreSQL database dump'));

    // The unsafe entry downloads under a neutral name, never its own path.
    const evil = await ctx.download(() => ctx.click(n, 'Download ../evil.txt'));
    assert.deepEqual(evil, { name: 'entry-3', digest: digest(Buffer.from('should never become a path')) });

    // A selection is one plain ZIP (there is no File System Access API here), each
    // entry under its safe name, CRC-32 checked on the way.
    for (const name of ['Select report.sql', 'Select 7KQ2ZP4M__medicalReports__scan.pdf']) {
      await ctx.run((t, n, name) => { t.find(n, 'input[type=checkbox]', name).click(); return true; }, n, name);
    }
    await ctx.click(n, 'Save selected as one ZIP');
    await ctx.waitFor((t, n) => !!t.card(n).querySelector('.zip a.save'), [n], { what: 'the ZIP of the selection' });
    const bundle = await ctx.download(() => ctx.click(n, /^Save /, '.zip a.save'), { bytes: true });
    assert.equal(bundle.name, 'selected-2022-10-01--00-00-05--part-1.zip');
    const bundlePath = join(dir, `bundle-${engine}.zip`);
    writeFileSync(bundlePath, bundle.bytes);
    assert.deepEqual(readZip(bundlePath), { 'report.sql': sha256(sql), '7KQ2ZP4M__medicalReports__scan.pdf': sha256(pdf) });

    await ctx.click(n, 'Verify whole backup (HMAC)');
    // A whole decryption pass; on a loaded 2-core machine Firefox once needed over 60 s.
    await ctx.waitFor((t, n) => /Whole backup checked/.test(t.card(n).querySelector('.zip .status').textContent), [n],
      { timeout: 180000, what: 'the whole-backup check' });
    // The library's verdict, in `verify`'s words: the HMAC and the ZIP's end record.
    assert.match(await zipStatus(), /Whole backup checked: ok\. HMAC verified; ZIP archive \(\d+ entries\)\./);
  });
});
