// "Schedule a Meet" in real time zones (issue 27): the browser runs with TZ set to
// America/New_York, Asia/Kolkata (+05:30, no daylight saving) and Europe/Berlin, so the shell's zone
// code — `Date` offsets for the user's zone, `Intl` for a zone the text names, the datetime-local
// value the window shows and the worker reads back — runs with non-zero, half-hour and changing
// offsets. Dates are next year's clock-change days, computed here (so the test never goes stale):
// a local time in the spring-forward gap is refused, one in the autumn fold is the first instant,
// and a phrase naming another zone is that zone's time at that date's offset.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, fake, pages, openPage, stubIdentity, closePages, message, DIST } from './harness.js';

const Y = new Date().getUTCFullYear() + 1;
const pad = (n) => String(n).padStart(2, '0');
/** The nth (1-based; -1: last) Sunday of `month` (1-12) in Y, as YYYY-MM-DD. */
function sunday(month, nth) {
  const days = new Date(Date.UTC(Y, month, 0)).getUTCDate();
  const sundays = [];
  for (let d = 1; d <= days; d++) if (new Date(Date.UTC(Y, month - 1, d)).getUTCDay() === 0) sundays.push(d);
  return `${Y}-${pad(month)}-${pad(nth === -1 ? sundays.at(-1) : sundays[nth - 1])}`;
}
const iso = (ms) => new Date(ms).toISOString();
/** A UTC instant, ms. */
const utc = (date, hh, mm) => Date.UTC(...date.split('-').map(Number).map((n, i) => (i === 1 ? n - 1 : n)), hh, mm);

// "3pm PT" on 1 July is 15:00 PDT (UTC-7): 22:00 UTC, wherever the user is.
const JULY = `${Y}-07-01`;
const PT_PHRASE = `${JULY} 3pm PT`;
const PT_INSTANT = utc(JULY, 22, 0);

const ZONES = [
  {
    zone: 'America/New_York',
    ptLocal: `${JULY}T18:00`,
    // Second Sunday of March: 02:00–03:00 does not exist; first Sunday of November: 01:00–02:00 twice.
    gap: `${sunday(3, 2)} 02:30`,
    fold: { phrase: `${sunday(11, 1)} 01:30`, instant: utc(sunday(11, 1), 5, 30), local: `${sunday(11, 1)}T01:30`, title: 'the autumn fold: the first of the two instants (EDT, UTC-4)' },
  },
  {
    zone: 'Asia/Kolkata',
    aliases: ['Asia/Calcutta'], // ICU's canonical ID, which Chromium reports
    ptLocal: `${Y}-07-02T03:30`,
    gap: null, // India keeps +05:30 all year: no gap; a standard-time name used in summer is refused instead
    fold: { phrase: `${sunday(3, 2)} 02:30`, instant: utc(sunday(3, 2), 2, 30) - 330 * 60_000, local: `${sunday(3, 2)}T02:30`, title: 'a half-hour offset on New York\'s clock-change day: 21:00 UTC the day before' },
  },
  {
    zone: 'Europe/Berlin',
    ptLocal: `${Y}-07-02T00:00`,
    // Last Sunday of March: 02:00–03:00 does not exist; last Sunday of October: 02:00–03:00 twice.
    gap: `${sunday(3, -1)} 02:30`,
    fold: { phrase: `${sunday(10, -1)} 02:30`, instant: utc(sunday(10, -1), 0, 30), local: `${sunday(10, -1)}T02:30`, title: 'the autumn fold: the first of the two instants (CEST, UTC+2)' },
  },
];

before(() => Promise.all([fake.start(), pages.start()]));
after(() => { fake.stop(); pages.stop(); });

for (const z of ZONES) {
  describe(`schedule in ${z.zone}`, () => {
    let browser;
    let zoneName; // as the browser names it
    before(async () => {
      browser = await launch(DIST, { env: { TZ: z.zone } });
      await fake.reset();
      await stubIdentity(browser.sw);
      await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false } }));
      // The test means nothing unless the browser really runs in that zone.
      zoneName = await browser.sw.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      assert.ok([z.zone, ...(z.aliases || [])].includes(zoneName), `the worker runs in TZ (${zoneName})`);
    });
    after(() => browser?.close());

    const tabOf = (url) => browser.sw.evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, url);
    /** Selects `phrase` in a textarea and opens the schedule window for it. */
    async function scheduleWindow(phrase) {
      await closePages(browser);
      const { page } = await openPage(browser, 'textarea.html');
      await page.locator('#field').fill(phrase);
      await page.locator('#field').evaluate((el) => { el.focus(); el.select(); });
      const tabId = await tabOf(`${page.url().split('#')[0]}`);
      const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/meeting.html#'), timeout: 20_000 });
      await browser.sw.evaluate(([tabId, phrase]) => meetlink.onMenuClicked({ menuItemId: 'schedule-meeting', frameId: 0, selectionText: phrase }, { id: tabId }),
        [tabId, phrase]);
      const win = await opened;
      await win.locator('#form:not([hidden])').waitFor();
      return { page, win };
    }
    /** Confirms the window and returns the one event made. */
    async function create(win) {
      const before = (await fake.events()).length;
      const closed = win.waitForEvent('close', { timeout: 40_000 });
      await win.getByRole('button', { name: 'Create meeting' }).click();
      await closed;
      const events = await fake.events();
      assert.equal(events.length, before + 1, 'one event made');
      return events.at(-1);
    }

    test(`a phrase naming another zone: "${PT_PHRASE}" is 15:00 PDT, shown in ${z.zone} and in PT, made at that instant`, async () => {
      const { win } = await scheduleWindow(PT_PHRASE);
      assert.equal(await win.locator('#refusal').isHidden(), true);
      assert.equal(await win.locator('#start').inputValue(), z.ptLocal, `the start in ${z.zone}`);
      assert.equal(await win.locator('#start-label').textContent(), zoneName);
      assert.deepEqual(await win.locator('#phrase mark.read').allTextContents(), [PT_PHRASE], 'the words read are marked');
      const inZone = await win.locator('#in-zone').textContent();
      assert.match(inZone, /PT \(America\/Los_Angeles\)/, 'the zone the text named');
      assert.match(inZone, /03:00 PM|15:00/, 'and the start in it');
      const event = await create(win);
      assert.equal(iso(event.start.dateTime), iso(PT_INSTANT), 'the event starts at 15:00 PDT');
      assert.equal(event.start.timeZone, zoneName, 'in the user\'s zone');
    });

    test(`"${z.fold.phrase}": ${z.fold.title}`, async () => {
      const { win } = await scheduleWindow(z.fold.phrase);
      assert.equal(await win.locator('#refusal').isHidden(), true);
      assert.equal(await win.locator('#start').inputValue(), z.fold.local);
      assert.equal(await win.locator('#in-zone').isHidden(), true, 'no other zone was named');
      const event = await create(win);
      assert.equal(iso(event.start.dateTime), iso(z.fold.instant));
    });

    test(z.gap ? `the spring-forward gap: "${z.gap}" is refused, nothing is made` : 'a standard-time name in summer ("3pm EST" in July) is refused, naming it', async () => {
      const phrase = z.gap ?? `${JULY} 3pm EST`;
      const before = (await fake.calls()).inserts.length;
      const { win } = await scheduleWindow(phrase);
      const refusal = await win.locator('#refusal').textContent();
      if (z.gap) assert.equal(refusal, message('refusal_skippedHour'));
      else {
        assert.equal(refusal, message('refusal_zoneSeason', 'EST'));
        assert.deepEqual(await win.locator('#phrase mark.refused').allTextContents(), ['EST'], 'the word refused is marked');
      }
      assert.equal(await win.locator('#start').inputValue(), '', 'no time taken from the text');
      await win.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await fake.calls()).inserts.length, before, 'nothing made');
    });
  });
}
