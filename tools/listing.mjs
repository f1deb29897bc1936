// The store listing's pictures (`./build.sh release`): screenshots at the stores' size (1280×800) of
// what a visitor judges — the popup with a link and its dial-in numbers, a link typed into a page, the
// options page, the meeting window — in light and dark, and the 440×280 promo tile. Taken against the
// fake Google with the e2e build (build.sh makes it and sets MEETLINK_DIST), through the e2e harness.
//
//   node tools/listing.mjs OUT
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, fake, pages, openPage, openPopup, createFromPopup, stubIdentity, waitFor, MEET, ROOT } from '../tests/e2e/harness.js';

const OUT = process.argv[2];
if (!OUT) throw new Error('usage: node tools/listing.mjs OUT');
const SHOTS = join(OUT, 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const SIZE = { width: 1280, height: 800 };

/** An extension page that is small (the popup, the meeting window) shown large and centred on a
 * plain backdrop, as the stores show it. */
const stage = (page) => page.evaluate(() => {
  const main = document.querySelector('main');
  const zoom = Math.min(1.5, 740 / main.offsetHeight);
  const style = document.createElement('style');
  style.textContent = `html { background: light-dark(#e8eaed, #101215); color-scheme: light dark; }
    body { display: flex; align-items: center; justify-content: center; min-height: 100vh; background: transparent; }
    main { zoom: ${zoom}; background: var(--bg); border-radius: 12px; box-shadow: 0 6px 28px rgba(0, 0, 0, .28); }`;
  document.head.append(style);
});

await Promise.all([fake.start(), pages.start()]);
const browser = await launch();
try {
  await stubIdentity(browser.sw);
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false, title: 'Design review' } }));
  const popup = await openPopup(browser);
  await popup.setViewportSize(SIZE);
  for (let i = 0; i < 3; i++) {
    const made = await createFromPopup(popup);
    if (!made.link) throw new Error(`no link: ${made.problem}`);
  }

  const { page, tabId } = await openPage(browser, 'listing.html');
  await page.setViewportSize(SIZE);
  await page.locator('#notes').evaluate((el) => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); });
  await browser.sw.evaluate((id) => meetlink.onCommand('insert-meet-link', { id }), tabId);
  await waitFor(async () => MEET.test(await page.inputValue('#notes')), { what: 'the link typed' });
  await page.locator('#notes').evaluate((el) => el.blur());

  const options = await browser.context.newPage();
  await options.setViewportSize(SIZE);
  await options.goto(`chrome-extension://${browser.id}/options.html`);
  await options.locator('body[data-ready]').waitFor();

  const people = await openPage(browser, 'textarea.html');
  await people.page.locator('#field').fill('Ana López <ana@example.com>, bo@partner.org');
  await people.page.locator('#field').evaluate((el) => { el.focus(); el.select(); });
  const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/meeting.html#') });
  await browser.sw.evaluate((id) => meetlink.onMenuClicked({ menuItemId: 'invite-meeting', frameId: 0 }, { id }), people.tabId);
  const meeting = await opened;
  await meeting.setViewportSize(SIZE);
  await meeting.locator('#form:not([hidden])').waitFor();
  await meeting.getByLabel('Every guest').check();

  for (const scheme of ['light', 'dark']) {
    for (const [name, p, staged] of [['popup', popup, true], ['page', page, false], ['options', options, false], ['meeting', meeting, true]]) {
      await p.emulateMedia({ colorScheme: scheme });
      if (staged && scheme === 'light') await stage(p);
      await p.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`) });
    }
  }

  // The promo tile: the icon, the name and what it does, in the extension's own colours.
  const messages = JSON.parse(readFileSync(join(ROOT, 'extension', '_locales', 'en', 'messages.json'), 'utf8'));
  const icon = readFileSync(join(ROOT, 'extension', 'icons', 'icon-128.png')).toString('base64');
  const tile = await browser.context.newPage();
  await tile.setViewportSize({ width: 440, height: 280 });
  const el = (tag, text, style) => `<${tag} style="${style}">${text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</${tag}>`;
  await tile.setContent(`<!doctype html><html><body style="margin:0;width:440px;height:280px;display:flex;align-items:center;gap:22px;
    padding:0 30px;box-sizing:border-box;background:#0b57d0;color:#fff;font-family:system-ui,sans-serif">
    <img src="data:image/png;base64,${icon}" width="96" height="96" alt="" style="background:#fff;border-radius:20px;padding:8px">
    <div>${el('h1', messages.extName.message, 'font-size:34px;margin:0 0 8px')}${el('p', messages.extDescription.message, 'font-size:17px;line-height:1.35;margin:0')}</div>
  </body></html>`);
  await tile.screenshot({ path: join(OUT, 'promo-440x280.png') });
  console.log(`listing pictures in ${OUT}`);
} finally {
  await browser.close();
  fake.stop();
  pages.stop();
}
process.exit(0);
