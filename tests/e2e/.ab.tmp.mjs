// Two builds in one browser, woken in turn: worker start -> body, -> ready.
import { chromium } from 'playwright-core';
import { variant, fake } from '/work/main/tests/e2e/harness.js';
import { writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
const mk = (bundle) => {
  const web = variant((m) => { delete m.oauth2; m.name = bundle ? 'B' : 'A'; }, '/work/main/target/e2e-7457');
  let bg = readFileSync(join(web, 'background.js'), 'utf8').replace("const ready = init()", "performance.mark('body');\nconst ready = init({ module_or_path: new URL('pkg/meetlink_bg.wasm', import.meta.url) })");
  writeFileSync(join(web, 'background.js'), bg);
  if (bundle) {
    writeFileSync(join(web, 'background.src.js'), bg);
    execFileSync('/work/main/tests/e2e/node_modules/.bin/esbuild', [join(web, 'background.src.js'), '--bundle', '--format=esm', '--log-level=warning', '--outfile=' + join(web, 'background.js'), '--allow-overwrite']);
  }
  return web;
};
const A = process.env.A || mk(false), B = process.env.B || mk(true);
await fake.start();
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ab-')), { executablePath: '/usr/bin/chromium', headless: true,
  args: [`--disable-extensions-except=${A},${B}`, `--load-extension=${A},${B}`, '--no-sandbox', '--disable-gpu', '--no-first-run'] });
while (context.serviceWorkers().length < 2) await context.waitForEvent('serviceworker');
const ids = {};
for (const sw of context.serviceWorkers()) { const name = await sw.evaluate(() => chrome.runtime.getManifest().name); ids[name] = sw.url().split('/')[2]; }
const internals = await context.newPage();
await internals.goto('chrome://serviceworker-internals/');
const wakers = {};
for (const k of ['A', 'B']) { wakers[k] = await context.newPage(); await wakers[k].goto(`chrome-extension://${ids[k]}/popup.html`); }
const cdp = await context.newCDPSession(internals);
await cdp.send('ServiceWorker.enable');
const origins = {};
async function stop(k) {
  await cdp.send('ServiceWorker.stopAllWorkers');
  await new Promise((r) => setTimeout(r, 300));
}
const res = { A: { body: [], ready: [] }, B: { body: [], ready: [] } };
const N = Number(process.env.N || 20);
for (let i = 0; i < N + 1; i++) {
  for (const k of (i % 2 ? ['A', 'B'] : ['B', 'A'])) {
    await stop(k);
    await wakers[k].evaluate(() => chrome.runtime.sendMessage({ type: 'bench-wake' }).catch(() => null));
    const sw = context.serviceWorkers().find((w) => w.url().includes(ids[k]));
    const r = await sw.evaluate(async () => { await meetlink.ready; return [performance.timeOrigin, performance.getEntriesByName('body')[0].startTime, performance.getEntriesByName('meetlink-ready')[0].startTime]; });
    if (origins[k] === r[0]) throw new Error('not restarted'); origins[k] = r[0];
    if (i) { res[k].body.push(r[1]); res[k].ready.push(r[2]); }
  }
}
const med = (xs) => { xs = [...xs].sort((a, b) => a - b); return xs[Math.floor(xs.length / 2)].toFixed(1); };
for (const k of ['A', 'B']) console.log(k, 'body', med(res[k].body), 'ready', med(res[k].ready));
await context.close(); fake.stop();
