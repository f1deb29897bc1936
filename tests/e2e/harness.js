// Shared e2e plumbing: the fake Google, a headless Chromium with the built extension loaded
// unpacked, and a stand-in for chrome.identity.getAuthToken (Debian's Chromium cannot mint Google
// tokens; extension-platform.md §0).
import { before, after, beforeEach, afterEach } from 'node:test';
import { chromium } from 'playwright-core';
import { build as esbuild } from 'esbuild';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const DIST = process.env.MEETLINK_DIST || join(ROOT, 'target', 'e2e-dist');
export const DIST_NOCLIENT = process.env.MEETLINK_DIST_NOCLIENT || join(ROOT, 'target', 'e2e-dist-noclient');
export const FAKE_PORT = Number(process.env.MEETLINK_FAKE_PORT || 7357);
export const FAKE = `http://127.0.0.1:${FAKE_PORT}`;
export const SCOPE = 'https://www.googleapis.com/auth/calendar.events.owned';
export const TOKEN = 'ya29.fake-token';
export const ARTIFACTS = join(ROOT, 'target', 'e2e-artifacts');
export const PAGES_PORT = Number(process.env.MEETLINK_PAGES_PORT || 7361);
export const PAGES = `http://127.0.0.1:${PAGES_PORT}`;

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);

/** A Meet link, anywhere in a string. */
export const MEET = /https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}/;

/**
 * Registers a test file's hooks: the fake Google (and, with `withPages`, the fixture pages), one
 * browser with the extension for the whole file (handed to `onLaunch`), and before each test a clean
 * fake and a fresh getAuthToken stand-in, then `beforeEachTest(browser)`.
 */
/**
 * The warm link (made ahead after each link) is switched off unless `warm`: other suites count the
 * requests one action makes, and a link made ahead would add its own.
 */
export function suite({ withPages = false, onLaunch, beforeEachTest, launchOptions, warm = false } = {}) {
  let browser;
  before(async () => {
    await Promise.all([fake.start(), withPages ? pages.start() : null]);
    browser = await launch(DIST, launchOptions);
    onLaunch(browser);
  });
  after(async () => {
    await browser?.close();
    fake.stop();
    if (withPages) pages.stop();
  });
  beforeEach(async () => {
    await fake.reset();
    await stubIdentity(browser.sw);
    if (!warm) await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false } }));
    await beforeEachTest?.(browser);
  });
}

/** Waits until every event the fake holds is deleted: no placeholder left behind. */
export const allDeleted = () => waitFor(async () => (await fake.events()).every((e) => e.status === 'cancelled'),
  { what: 'every placeholder deleted', timeout: 30_000 });

/**
 * Closes every page and window a test left open (a failed test leaves its own), so that the focus —
 * and the selection a menu click reads — is the next test's.
 */
export const closePages = (browser) => Promise.all(browser.context.pages().map((p) => p.close()));

/** Opens a fixture page in a new tab; returns {page, tabId}. */
export async function openPage(browser, name) {
  const page = await browser.context.newPage();
  await page.goto(pages.url(name));
  await page.waitForLoadState('load');
  const tabId = await browser.sw.evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, page.url());
  if (!tabId) throw new Error(`no tab for ${name}`);
  return { page, tabId };
}

/**
 * Frame ids of a tab with their URLs, as the browser reports them (executeScript's
 * InjectionResult.frameId), frames with no document URL of their own (TinyMCE's) included.
 */
export async function tabFrames(browser, tabId) {
  return browser.sw.evaluate(async (tabId) => {
    const res = await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, func: () => location.href })
      .catch(() => []);
    return res.map((r) => ({ frameId: r.frameId, url: r.result }));
  }, tabId);
}

/**
 * "Insert Meet link" from the context menu (`how` = 'menu', in `frameId`) or the shortcut, through
 * the very handlers the listeners call; resolves when MeetLink is done, to the badge, its title and
 * how many notifications were shown.
 */
export function insertVia(browser, how, tabId, frameId = 0) {
  return browser.sw.evaluate(async ({ how, tabId, frameId }) => {
    await chrome.notifications.getAll().then((all) => Promise.all(Object.keys(all).map((id) => chrome.notifications.clear(id))));
    if (how === 'menu') {
      await meetlink.onMenuClicked({ menuItemId: 'insert-meet-link', frameId, editable: true, pageUrl: '' }, { id: tabId });
    } else {
      await meetlink.onCommand('insert-meet-link', tabId === null ? undefined : { id: tabId });
    }
    const notes = Object.keys(await chrome.notifications.getAll());
    return {
      badge: tabId === null ? null : await chrome.action.getBadgeText({ tabId }),
      title: tabId === null ? null : await chrome.action.getTitle({ tabId }),
      notifications: notes.length,
    };
  }, { how, tabId, frameId });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (or throws after `timeout` ms). */
export async function waitFor(fn, { timeout = 20_000, interval = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(interval);
  }
}

// ---- the fake Google ------------------------------------------------------------------------------
async function control(path, body) {
  const res = await fetch(`${FAKE}/_fake/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

/**
 * Every Calendar and Meet request the fake received was checked against Google's discovery documents
 * (tests/fake_google/discovery.py): a test during which MeetLink sent anything Google would refuse,
 * or a field Google would silently drop, fails. Registered at the top level of every file that imports
 * this harness (Chromium's and Firefox's), after each test and once more at the end of the file, for
 * requests that outlive their test (a placeholder's delete). The findings are taken, so each is
 * reported once.
 */
async function noSchemaFindings() {
  if (!fake.process) return;
  const found = await control('schema/take', {});
  if (found.length) {
    throw new Error(`the fake's discovery check found ${found.length} request(s) Google would refuse or drop from:\n`
      + found.map((f) => `  ${f.kind}: ${f.request}: ${f.where}: ${f.message}`).join('\n'));
  }
}
afterEach(noSchemaFindings);
after(noSchemaFindings);

export const fake = {
  process: null,
  async start() {
    this.process = spawn('python3', [join(ROOT, 'tests', 'fake_google', 'server.py'), '--port', String(FAKE_PORT)], { stdio: 'ignore' });
    await waitFor(async () => { try { return await control('reset', {}); } catch { return false; } }, { what: 'fake Google' });
  },
  stop() { this.process?.kill(); this.process = null; },
  reset: (config = {}) => control('reset', config),
  config: (config) => control('config', config),
  faults: (...faults) => control('faults', faults),
  /** Google is well again: the queued faults are forgotten (events, log and mail stay). */
  clearFaults: () => control('faults/clear', {}),
  log: () => control('log'),
  events: () => control('events'),
  control,
  /** The Calendar API requests in the log, by kind. */
  async calls() {
    const log = await control('log');
    const ev = (m, re) => log.filter((r) => r.method === m && re.test(r.path));
    return {
      log,
      inserts: ev('POST', /\/calendars\/[^/]+\/events$/),
      gets: ev('GET', /\/events\/[^/]+$/),
      deletes: ev('DELETE', /\/events\/[^/]+$/),
    };
  },
};

// ---- the fixture pages (tests/pages), with the editor fixtures bundled from npm by esbuild -----------
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript', css: 'text/css', pdf: 'application/pdf', ttf: 'font/ttf' };

/** A minimal one-page PDF, for the "PDF viewer cannot be scripted" case. */
function pdf() {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'];
  let out = '%PDF-1.4\n';
  const offsets = objs.map((o, i) => { const at = out.length; out += `${i + 1} 0 obj\n${o}\nendobj\n`; return at; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out);
}

export const pages = {
  servers: [],
  async start() {
    const dir = join(ROOT, 'tests', 'pages');
    const out = join(ROOT, 'target', 'e2e-pages');
    const entries = ['react.jsx', 'prosemirror.js', 'lexical.js', 'slate.jsx', 'quill.js', 'draft.jsx',
      'monaco.js', 'monaco-worker.js', 'tinymce.js', 'codemirror.js', 'ckeditor.js', 'trix.js', 'ace.js'];
    await esbuild({
      entryPoints: entries.map((e) => join(dir, 'editors', e)), bundle: true, outdir: out, format: 'iife',
      minify: true, logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
      loader: { '.ttf': 'file', '.svg': 'text' },
      nodePaths: [join(here, 'node_modules')],
    });
    const handler = (req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      let file;
      if (path === '/sample.pdf') {
        res.writeHead(200, { 'Content-Type': TYPES.pdf });
        return res.end(pdf());
      }
      if (path.startsWith('/bundles/')) file = join(out, path.slice('/bundles/'.length));
      else file = join(dir, path.slice(1) || 'index.html');
      if (!file.startsWith(dir) && !file.startsWith(out)) { res.writeHead(403); return res.end(); }
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'Content-Type': TYPES[file.split('.').pop()] || 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end('not found');
      }
    };
    // Also on ::1, so that http://localhost:PORT is a second, cross-origin host for the iframe fixture.
    for (const host of ['127.0.0.1', '::1']) {
      const server = createServer(handler);
      await new Promise((resolve) => server.once('error', resolve).listen(PAGES_PORT, host, resolve));
      this.servers.push(server);
    }
  },
  stop() { for (const s of this.servers) s.close(); },
  url: (name) => `${PAGES}/${name}`,
};

// ---- the browser ----------------------------------------------------------------------------------
/**
 * Launches Chromium with the extension in `dist` (a list: several extensions, `sw` and `id` the
 * first to start); returns {context, sw, id, close}. A given `profile` directory is kept after close
 * (a browser restart); otherwise a fresh one is removed. `headless: false` opens a real window
 * (`./build.sh demo`).
 */
export async function launch(dist = DIST, { args = [], env, profile: keep, headless = true } = {}) {
  const dists = [dist].flat();
  for (const d of dists) if (!existsSync(join(d, 'manifest.json'))) throw new Error(`no built extension in ${d}: run ./build.sh test`);
  const profile = keep || mkdtempSync(join(tmpdir(), 'meetlink-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    ...(headless ? {} : { viewport: null }),
    ...(env ? { env: { ...process.env, ...env } } : {}),
    args: [
      `--disable-extensions-except=${dists.join(',')}`, `--load-extension=${dists.join(',')}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...args,
    ],
  });
  const sw = context.serviceWorkers()[0] || await context.waitForEvent('serviceworker');
  const id = sw.url().split('/')[2];
  // Extension origins cannot be granted permissions; the clipboard is read back from the fake's origin.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: FAKE });
  return {
    context, sw, id,
    async close() { await context.close(); if (!keep) rmSync(profile, { recursive: true, force: true }); },
  };
}

/** A copy of the built extension (`from`, the e2e build unless given) with its manifest changed by `edit`. */
export function variant(edit, from = DIST) {
  const dir = mkdtempSync(join(tmpdir(), 'meetlink-dist-'));
  cpSync(from, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  return dir;
}

/**
 * Replaces chrome.identity.getAuthToken in the worker. `tokens` are handed out in order: each
 * removeCachedAuthToken moves to the next one (as Chrome's cache would mint a new token).
 * `reject` makes getAuthToken fail with that message. Calls are recorded in self.__identity.
 */
export async function stubIdentity(sw, { tokens = [TOKEN], grantedScopes = [SCOPE], reject = null, byScope = null } = {}) {
  await sw.evaluate(({ tokens, grantedScopes, reject, byScope }) => {
    const rec = (self.__identity = { get: [], removed: [], index: 0 });
    chrome.identity.getAuthToken = async (details) => {
      rec.get.push(details);
      if (reject) throw new Error(reject);
      // byScope: Chrome's cache holds one token per scope set ({scope: token}).
      if (byScope) {
        const token = byScope[details.scopes[0]];
        if (!token || rec.removed.includes(token)) throw new Error('OAuth2 not granted or revoked.');
        return { token, grantedScopes: [details.scopes[0]] };
      }
      return { token: tokens[Math.min(rec.index, tokens.length - 1)], grantedScopes };
    };
    chrome.identity.removeCachedAuthToken = async ({ token }) => {
      rec.removed.push(token);
      rec.index++;
    };
  }, { tokens, grantedScopes, reject, byScope });
}

export const identityCalls = (sw) => sw.evaluate(() => self.__identity);

/** Clears every notification MeetLink shows. */
export const clearNotifications = (sw) => sw.evaluate(() => chrome.notifications.getAll()
  .then((all) => Promise.all(Object.keys(all).map((id) => chrome.notifications.clear(id)))));

/** Writes `text` to the clipboard (from a fixture page: extension origins cannot be granted it). */
export async function writeClipboard(browser, text) {
  const p = await browser.context.newPage();
  await p.goto(pages.url('textarea.html'));
  await p.evaluate((t) => navigator.clipboard.writeText(t), text);
  await p.close();
}

/**
 * Stores an in-flight record as a stopped worker leaves it (an action for the popup, started now,
 * never resumed), with `fields` changed, under `inflight.<key>` (the event id unless given).
 */
export const orphanRecord = (sw, fields, key = fields.eventId) => sw.evaluate(([fields, key]) => chrome.storage.session.set({
  [`inflight.${key}`]: {
    eventId: key, requestId: 'r', title: 'Google Meet', timeZone: 'UTC', startMs: Date.now(), durationMin: 30,
    destination: { kind: 'popup' }, startedMs: Date.now(), resumes: 0, ...fields,
  },
}), [fields, key]);

/**
 * Records every request the worker starts, as it starts it (`fetch` called): what it has not asked
 * for by the time an action is over, it never will — no fixed wait needed to show it.
 */
export const recordRequests = (sw) => sw.evaluate(() => {
  if (!self.__requests) {
    const send = self.fetch.bind(self);
    self.__requests = [];
    self.fetch = (input, init) => {
      const method = init?.method ?? (typeof input === 'string' ? 'GET' : input.method);
      self.__requests.push(`${method} ${typeof input === 'string' ? input : input.url}`);
      return send(input, init);
    };
  }
  self.__requests.length = 0;
});
export const requestsSeen = (sw) => sw.evaluate(() => self.__requests.slice());

/** Records the worker's executeScript calls from now on; [`scriptsSettled`] says which have answered. */
export const watchScripts = (sw) => sw.evaluate(() => {
  if (!self.__scripts) {
    const run = chrome.scripting.executeScript.bind(chrome.scripting);
    self.__scripts = [];
    chrome.scripting.executeScript = (...args) => {
      const entry = { settled: false };
      self.__scripts.push(entry);
      const p = run(...args);
      p.then(() => { entry.settled = true; }, () => { entry.settled = true; });
      return p;
    };
  }
  self.__scripts.length = 0;
});
export const scriptsSettled = (sw) => sw.evaluate(() => self.__scripts.map((s) => s.settled));

/** Stops the extension's service worker the way Chrome does when it idles it out. */
export async function stopWorker(browser) {
  const internals = await browser.context.newPage();
  await internals.goto('chrome://serviceworker-internals/');
  await internals.getByText('Stop', { exact: true }).first().click();
  await waitFor(async () => /Running Status: STOPPED/.test(await internals.evaluate(() => document.body.innerText)), { what: 'worker stopped' });
  await internals.close();
}

// ---- the popup ------------------------------------------------------------------------------------
export async function openPopup(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.id}/popup.html`);
  await page.waitForFunction(() => document.activeElement?.id === 'create' || !document.getElementById('problem').hidden);
  return page;
}

/** Clicks "Create Meet link" and waits for a link or a problem; returns {link, problem, ms}. */
export async function createFromPopup(page, { timeout = 40_000 } = {}) {
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Create Meet link' }).click();
  await page.waitForFunction(() => {
    const busy = document.getElementById('create').disabled;
    return !busy && (!document.getElementById('result').hidden || !document.getElementById('problem').hidden);
  }, null, { timeout });
  const ms = Date.now() - t0;
  return page.evaluate((ms) => ({
    link: document.getElementById('result').hidden ? null : document.getElementById('link').href,
    text: document.getElementById('link').textContent,
    href: document.getElementById('link').getAttribute('href'),
    problem: document.getElementById('problem').hidden ? null : document.getElementById('problem').textContent,
    status: document.getElementById('status').textContent,
    ms,
  }), ms);
}

/** Opens the popup, makes one link, closes it; returns the link (and fails on a problem). */
export async function popupLink(browser) {
  const popup = await openPopup(browser);
  const r = await createFromPopup(popup);
  await popup.close();
  if (r.problem !== null || !MEET.test(r.link ?? '')) throw new Error(`no link: ${r.problem}`);
  return r.link;
}

/** The clipboard's text, read from an ordinary page (headless Chromium has one clipboard). */
export async function readClipboard(browser) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${FAKE}/_fake/events`);
    return await page.evaluate(() => navigator.clipboard.readText());
  } finally {
    await page.close();
  }
}

/** Reads the clipboard's every type (text/plain, text/html…) as text: {type: text}. */
export async function readClipboardTypes(browser) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${FAKE}/_fake/events`);
    return await page.evaluate(async () => {
      const out = {};
      for (const item of await navigator.clipboard.read()) {
        for (const type of item.types) out[type] = await (await item.getType(type)).text();
      }
      return out;
    });
  } finally {
    await page.close();
  }
}

/** Reads a message from the built extension's English locale. */
export function message(key, ...subs) {
  const m = JSON.parse(readFileSync(join(DIST, '_locales', 'en', 'messages.json'), 'utf8'))[key];
  // Named placeholders ($WORD$ → its "$1"), then the substitutions, as chrome.i18n.getMessage does.
  let text = m.message.replace(/\$(\w+)\$/g, (all, name) => m.placeholders?.[name.toLowerCase()]?.content ?? all);
  subs.forEach((sub, i) => { text = text.replaceAll(`$${i + 1}`, sub); });
  return text;
}

// ---- the options page and accessibility -----------------------------------------------------------
export async function openOptions(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.id}/options.html`);
  await page.waitForSelector('body[data-ready]');
  return page;
}

/** The settings in effect, as the worker answers the options page. */
/** Focuses the contenteditable `selector` of `page` with the caret at its end. */
export const caretAtEnd = (page, selector = '#field') => page.locator(selector).evaluate((el) => {
  el.focus();
  const range = document.createRange();
  range.selectNodeContents(el);
  range.collapse(false);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
});

export const settingsOf = (page) => page.evaluate(() => chrome.runtime.sendMessage({ type: 'getSettings' }));

const AXE = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA and best practices) on the page; returns the violations as
 * readable lines. Evaluated over CDP, so the extension page's CSP does not apply to axe itself.
 */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  })).violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  return violations;
}
