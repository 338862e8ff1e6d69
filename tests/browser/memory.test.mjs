// Where an engine would hold the decrypted file in memory, the card says how much
// before Decrypt, and a file that cannot fit is refused before any work (www/page/
// memory.js). Small files and a lowered limit (`#memory-limit=8192`) stand in for
// large ones; `#output=memory` keeps the output in memory in every engine (Firefox
// would otherwise write it to its private storage, which the limit does not concern).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { workdir, opensslEncrypt, pyAesCryptEncrypt, digest, eachEngine, finish, openPage, decrypt, save, infoText } from './lib.mjs';

const dir = workdir();
const fits = randomBytes(4000);
const f = {
  fits: pyAesCryptEncrypt(dir, 'fits.txt.aes', fits, 'pw'),
  tooLarge: opensslEncrypt(dir, 'too-large.sql.encrypted', randomBytes(10000), 'pw'),
  tooLargeV2: pyAesCryptEncrypt(dir, 'too-large.zip.encrypted', randomBytes(9000), 'pw'),
};

// From file://, with the save picker removed (as in every test): Firefox writes to its
// private storage, Chromium and WebKit have none there (measured; www/README.md).
const WHERE = { chromium: /in this tab's memory/, firefox: /private storage/, webkit: /in this tab's memory/ };

eachEngine((engine, test) => {
  test('without the hooks, the card says where the output is kept', async () => {
    const c = await openPage(engine);
    try {
      const n = await c.add(f.fits);
      await c.ready(n);
      assert.match(await infoText(c, n), WHERE[engine]);
    } finally {
      await finish(c);
    }
  });

  let ctx;
  before(async () => { ctx = await openPage(engine, { hash: '#output=memory&memory-limit=8192' }); });
  after(() => finish(ctx));

  test('a file that fits: the card says how much memory it will hold, and it decrypts', async () => {
    const n = await ctx.add(f.fits);
    await ctx.ready(n);
    assert.match(await infoText(ctx, n),
      /Memoryabout 3\.91 KiB: this browser holds the decrypted file in this tab's memory until you save it \(at most 8\.00 KiB here\)/);
    const status = await decrypt(ctx, n, 'pw');
    assert.match(status, /^Done: ok\. HMAC verified/);
    assert.equal(await save(ctx, n), digest(fits));
  });

  test('a file that cannot fit: refused before any work, with the sizes', async () => {
    for (const [path, need] of [[f.tooLarge, /about 9\.78 KiB/], [f.tooLargeV2, /about 8\.79 KiB/]]) {
      const n = await ctx.add(path);
      const s = await ctx.waitFor((t, n) => { const s = t.status(n); return s && /\bbad\b/.test(s.cls) && s; }, [n],
        { what: `card ${n} refused` });
      assert.match(s.text, /^Too large to decrypt in this browser: it would hold about [\d.]+ KiB in this tab's memory, more than the 8\.00 KiB allowed here\. Nothing was decrypted\./);
      assert.match(s.text, need);
      assert.match(await infoText(ctx, n), /Memoryabout [\d.]+ KiB: this browser holds the decrypted file in this tab's memory/);
      assert.equal(await ctx.isDisabled(n, 'Decrypt'), true);
      // Submitting the form anyway (Enter in the password field) starts nothing.
      await ctx.fill(n, 'pw');
      await ctx.run((t, n) => { t.card(n).querySelector('form.decrypt').requestSubmit(); return true; }, n);
      await new Promise((r) => setTimeout(r, 500));
      const after = await ctx.status(n);
      assert.equal(after.text, s.text);
      assert.equal(await ctx.count(n, 'a.save'), 0);
    }
  });
});
