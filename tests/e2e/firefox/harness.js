// Firefox plumbing: Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi
// (no browser download), with the Firefox build installed as a temporary add-on. Its internal UUID
// is pinned before install (pref extensions.webextensions.uuids) so that its pages have a known
// moz-extension:// address, and --remote-allow-system-access lets a tab open them.
//
// Firefox's background is an event page, not a service worker: tests reach MeetLink's entry points
// (`meetlink.onCommand`, …) through runtime.getBackgroundPage() from one of its own pages, as the
// Chromium suite reaches them in the worker (a WebDriver client cannot press a browser shortcut or
// click a native menu).
import puppeteer from 'puppeteer-core';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, waitFor, pages } from '../harness.js';

export const FIREFOX = process.env.MEETLINK_FIREFOX || '/usr/bin/firefox-esr';
export const FIREFOX_DIST = process.env.MEETLINK_FIREFOX_E2E_DIST || join(ROOT, 'target', 'firefox-e2e-dist');

/** The add-on id a Firefox build declares. */
export const geckoId = (dir) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).browser_specific_settings.gecko.id;

/** Waits until `page` shows a document at `url`'s origin, loaded (its `goto` never resolves there). */
async function loaded(page, origin) {
  await waitFor(async () => {
    try {
      return await page.evaluate((origin) => location.origin === origin && document.readyState === 'complete', origin);
    } catch {
      return false; // navigating: the context is being replaced
    }
  }, { what: `a page of ${origin}` });
}

/**
 * Starts Firefox with the add-on in `dirs[0]` (and any further add-ons in `dirs`, each with its
 * own pinned UUID). Returns {browser, uuid, base, id, open(path), openWeb(name), bg(fn, arg), tabId(page), close}.
 */
export async function launchFirefox(dirs = [FIREFOX_DIST]) {
  for (const dir of dirs) if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`no Firefox build in ${dir}: run ./build.sh test`);
  const uuids = Object.fromEntries(dirs.map((d) => [geckoId(d), randomUUID()]));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify(uuids),
      // No first-run pages, no update or telemetry traffic on a machine without a network.
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'app.update.enabled': false,
    },
  });
  for (const dir of dirs) await browser.installExtension(dir);
  const id = geckoId(dirs[0]);
  const uuid = uuids[id];
  const base = `moz-extension://${uuid}`;

  let driver = null;
  /**
   * A new tab at `url`, in the browser window. Once a notification has been asked for, Firefox's
   * last-focused window can be its alert window, where BiDi's browsingContext.create (what
   * newPage sends) finds no tabs: after the driver, tabs are opened from it with tabs.create.
   */
  async function newTab(url) {
    if (!driver) {
      const page = await browser.newPage();
      page.goto(url).catch(() => {}); // never resolves for moz-extension://
      return page;
    }
    // The new tab is the page that was not there before (a moz-extension:// page reports no URL).
    const known = new Set(await browser.pages());
    await driver.evaluate(async (url) => {
      const [win] = await browser.windows.getAll({ windowTypes: ['normal'] });
      await browser.tabs.create({ url, windowId: win.id });
    }, url);
    return waitFor(async () => (await browser.pages()).find((p) => !known.has(p)), { what: `a tab for ${url}` });
  }
  /**
   * A new tab with the web page at `url` loaded. The tab starts at about:blank: until it has
   * navigated, its URL is not `url` and a script in it may lose its document mid-evaluation.
   */
  async function webTab(url) {
    const page = await newTab(url);
    await waitFor(async () => page.url() === url
      && (await page.evaluate(() => document.readyState).catch(() => null)) === 'complete', { what: `${url} loaded` });
    return page;
  }
  /** Opens one of the add-on's pages (of `uuid`, ours by default) in a new tab. */
  async function open(path, of = uuid) {
    const page = await newTab(`moz-extension://${of}/${path}`);
    await loaded(page, `moz-extension://${of}`);
    return page;
  }
  // The driver: an extension page whose only job is to reach the background page.
  driver = await open('options.html');

  return {
    browser, id, uuid, base, uuids, open, driver,
    webTab,
    /** Opens a fixture page; returns {page, tabId}. */
    async openWeb(name) {
      const url = pages.url(name);
      const page = await webTab(url);
      // tabs.query's `url` is a match pattern, and Firefox's have no port: match by hand.
      const tabId = await waitFor(() => driver.evaluate(async (url) => (await browser.tabs.query({})).find((t) => t.url === url)?.id, url), { what: `the tab of ${name}` });
      return { page, tabId };
    },
    /**
     * Runs `fn(bg, arg)` with the background page's window (its `meetlink` entry points, its
     * `chrome`), from the driver page; returns its JSON-able result.
     */
    bg(fn, arg) {
      return driver.evaluate(`(async () => {
        const bg = await browser.runtime.getBackgroundPage();
        return (${fn})(bg, ${JSON.stringify(arg ?? null)});
      })()`);
    },
    async close() { await browser.close(); },
  };
}

/** The clipboard's text, pasted (Ctrl+V) into an empty textarea of a fixture page. */
export async function readClipboard(ff) {
  const page = await ff.webTab(pages.url('textarea.html'));
  try {
    await page.$eval('#other', (f) => { f.value = ''; });
    await page.focus('#other');
    await page.keyboard.down('Control');
    await page.keyboard.press('v');
    await page.keyboard.up('Control');
    return await page.$eval('#other', (f) => f.value);
  } finally {
    await page.close();
  }
}
