// `./build.sh demo [--headless]`: MeetLink against the local Google, in one command. build.sh builds
// the extension for the fake Google (with only the web sign-in client, so the fake's authorization page
// signs the user in without a Google account) and runs this with MEETLINK_DIST set.
//
// With a display: Chromium opens with the extension loaded on a demo page; try the toolbar button, the
// context menu and Alt+Shift+M; close the browser to end. Without one, or with --headless: one link
// through the popup and one through the shortcut into the demo page's text field, both printed,
// screenshots in target/demo/; exit 0 only if both are Meet links and differ.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, fake, pages, openPage, openPopup, createFromPopup, waitFor, MEET, ROOT } from '../tests/e2e/harness.js';

const headless = process.argv.includes('--headless') || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const OUT = join(ROOT, 'target', 'demo');

async function headlessRun(browser) {
  mkdirSync(OUT, { recursive: true });
  const popup = await openPopup(browser);
  await popup.setViewportSize({ width: 400, height: 560 });
  const made = await createFromPopup(popup, { timeout: 30_000 });
  if (!made.link) throw new Error(`the popup made no link: ${made.problem}`);
  await popup.screenshot({ path: join(OUT, 'popup.png') });
  console.log(`popup    → ${made.link}`);

  // Playwright cannot press a browser shortcut: the worker's own entry point for it is called, as
  // commands.onCommand would (README "The worker's entry points").
  const { page, tabId } = await openPage(browser, 'demo.html');
  await page.focus('#notes');
  await browser.sw.evaluate((id) => meetlink.onCommand('insert-meet-link', { id }), tabId);
  const typed = await waitFor(async () => (await page.inputValue('#notes')).match(MEET)?.[0], { what: 'the link typed', timeout: 30_000 });
  await page.screenshot({ path: join(OUT, 'page.png'), fullPage: true });
  console.log(`shortcut → ${typed}`);
  if (typed === made.link) throw new Error('the popup and the shortcut got the same link');
  console.log(`screenshots: ${join(OUT, 'popup.png')}, ${join(OUT, 'page.png')}`);
}

async function windowRun(browser) {
  const { page } = await openPage(browser, 'demo.html');
  await page.bringToFront();
  console.log(`MeetLink is loaded in the Chromium window, on ${pages.url('demo.html')}.`);
  console.log('Pin it from the puzzle-piece menu, then: toolbar button → Create Meet link; right-click a field →');
  console.log('Insert Meet link; or Alt+Shift+M in a field. Close the browser to end the demo.');
  await new Promise((resolve) => browser.context.once('close', resolve));
}

await Promise.all([fake.start(), pages.start()]);
let browser;
try {
  browser = await launch(process.env.MEETLINK_DIST, { headless });
  await (headless ? headlessRun(browser) : windowRun(browser));
} catch (e) {
  console.error(`demo: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  fake.stop();
  pages.stop();
}
