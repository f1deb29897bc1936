// Trigger -> link, N runs at each fake latency. Run with ./build.sh bench. Prints distributions;
// asserts nothing.
//  * popup click -> link shown, measured inside the popup (performance.now);
//  * shortcut -> link in a textarea: Date.now() in the worker just before onCommand, and in the page
//    at the `input` event that carries the link (same clock, millisecond resolution).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fake, pages, launch, stubIdentity, openPopup, variant, FAKE, ROOT } from '../e2e/harness.js';

const RUNS = Number(process.env.RUNS || 20);
const LATENCIES = (process.env.LATENCIES || '0,100').split(',').map(Number);

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];
const fmt = (x) => x.toFixed(1).padStart(7);

await fake.start();
const medians = {}; // "what|latency" -> median ms, for the ratios at the end

// The seed's flow (tests/bench/seed.py, its own Python libraries), one process per link as the
// script was used: interpreter start-up, imports, token file, insert, delete, print.
const SEED_PYTHON = process.env.SEED_PYTHON;
if (SEED_PYTHON) {
  const token = join(ROOT, 'target', 'bench-token.json');
  writeFileSync(token, JSON.stringify({ token: 'ya29.fake-token', refresh_token: '1//unused', client_id: 'c', client_secret: 's',
    token_uri: `${FAKE}/token`, expiry: '2099-01-01T00:00:00Z', scopes: ['https://www.googleapis.com/auth/calendar.events.owned'] }));
  console.log(`seed script (meet.py flow: python start-up + insert + delete), ${RUNS} runs each (ms)`);
  console.log('latency/call   median      p90      max');
  for (const latency of LATENCIES) {
    await fake.reset({ latency_ms: latency });
    const times = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      const r = spawnSync(SEED_PYTHON, [join(ROOT, 'tests', 'bench', 'seed.py'), FAKE, token, '1'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`seed script failed: ${r.stderr}`);
      if (i >= 2) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    medians[`seed|${latency}`] = pct(times, 0.5);
    console.log(`${String(latency).padStart(8)} ms ${fmt(pct(times, 0.5))}  ${fmt(pct(times, 0.9))}  ${fmt(times.at(-1))}`);
  }
  console.log();
}

// The production manifest has no host permission: requests are CORS requests (with preflights).
// The e2e build adds one for the fake; measure both.
const builds = [['host permission', undefined], ['CORS only', variant((m) => { m.host_permissions = []; })]];
console.log(`popup click -> link shown, ${RUNS} runs each after 2 warm-ups (ms)`);
console.log('build              latency/call   median      p90      max');
for (const [name, dir] of builds) {
const browser = await launch(dir);
try {
  const page = await openPopup(browser);
  for (const latency of LATENCIES) {
    await fake.reset({ latency_ms: latency });
    await stubIdentity(browser.sw);
    const times = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const ms = await page.evaluate(() => new Promise((resolve) => {
        const result = document.getElementById('result');
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (!result.hidden) { obs.disconnect(); resolve(performance.now() - t0); }
        });
        obs.observe(result, { attributes: true });
        document.getElementById('create').click();
      }));
      if (i >= 2) times.push(ms); // two warm-up runs: the worker and the connection are warm after
      await new Promise((r) => setTimeout(r, latency * 2 + 50)); // let the placeholder delete finish
    }
    times.sort((a, b) => a - b);
    medians[`popup ${name}|${latency}`] = pct(times, 0.5);
    console.log(`${name.padEnd(18)} ${String(latency).padStart(8)} ms ${fmt(pct(times, 0.5))}  ${fmt(pct(times, 0.9))}  ${fmt(times.at(-1))}`);
  }
} finally {
  await browser.close();
}
}

// Shortcut -> link typed into a textarea (the e2e build: the harness calls onCommand, which grants no
// activeTab, so the page's origin is covered by the build's host permission).
await pages.start();
{
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(pages.url('textarea.html'));
    const tabId = await browser.sw.evaluate(async (url) => (await chrome.tabs.query({ url }))[0].id, page.url());
    console.log(`\nshortcut -> link in a textarea, ${RUNS} runs each after 2 warm-ups (ms)`);
    console.log('latency/call   median      p90      max');
    for (const latency of LATENCIES) {
      await fake.reset({ latency_ms: latency });
      await stubIdentity(browser.sw);
      const times = [];
      for (let i = 0; i < RUNS + 2; i++) {
        await page.evaluate(() => {
          const f = document.getElementById('field');
          f.value = '';
          f.focus();
          window.typedAt = new Promise((resolve) => f.addEventListener('input', () => resolve(Date.now()), { once: true }));
        });
        const t0 = await browser.sw.evaluate(async (tabId) => {
          const t0 = Date.now();
          meetlink.onCommand('insert-meet-link', { id: tabId });
          return t0;
        }, tabId);
        const t1 = await page.evaluate(() => window.typedAt);
        if (i >= 2) times.push(t1 - t0);
        await new Promise((r) => setTimeout(r, latency * 2 + 50));
      }
      times.sort((a, b) => a - b);
      medians[`shortcut|${latency}`] = pct(times, 0.5);
      console.log(`${String(latency).padStart(8)} ms ${fmt(pct(times, 0.5))}  ${fmt(pct(times, 0.9))}  ${fmt(times.at(-1))}`);
    }
  } finally {
    await browser.close();
  }
}
pages.stop();
fake.stop();

if (SEED_PYTHON) {
  console.log('\nspeed-up over the seed flow (seed median / MeetLink median, same run, same fake)');
  for (const latency of LATENCIES) {
    const seed = medians[`seed|${latency}`];
    const row = Object.entries(medians).filter(([k]) => !k.startsWith('seed') && k.endsWith(`|${latency}`))
      .map(([k, v]) => `${k.split('|')[0]}: ${(seed / v).toFixed(1)}x`);
    console.log(`${String(latency).padStart(8)} ms  ${row.join('   ')}`);
  }
}
