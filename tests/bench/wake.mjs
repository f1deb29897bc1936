// Two builds' cold wakes compared in one browser: both extensions loaded, their workers stopped and
// woken in turn (by a message from one of their pages, which they refuse), N wakes each after one
// warm-up; each wake's worker start -> wasm ready is the worker's own mark (background.js). One
// browser and alternation put the machine's noise on both alike, which separate runs do not.
//   A=dir B=dir [N=30] node tests/bench/wake.mjs      (e.g. B=target/e2e-dist, A a build before a change)
import { launch, variant, waitFor } from '../e2e/harness.js';
import { rmSync } from 'node:fs';

const N = Number(process.env.N || 30);
if (!process.env.A || !process.env.B) throw new Error('A=dir B=dir: the two builds to compare');
// Named A and B, to tell the two workers apart.
const builds = { A: variant((m) => { m.name = 'A'; }, process.env.A), B: variant((m) => { m.name = 'B'; }, process.env.B) };
const browser = await launch([builds.A, builds.B]);
try {
  await waitFor(() => browser.context.serviceWorkers().length >= 2, { what: 'both workers' });
  const ids = {};
  for (const sw of browser.context.serviceWorkers()) ids[await sw.evaluate(() => chrome.runtime.getManifest().name)] = sw.url().split('/')[2];
  const wakers = {};
  for (const k of ['A', 'B']) {
    wakers[k] = await browser.context.newPage();
    await wakers[k].goto(`chrome-extension://${ids[k]}/popup.html`);
  }
  const cdp = await browser.context.newCDPSession(wakers.A);
  await cdp.send('ServiceWorker.enable');
  const ready = { A: [], B: [] };
  const seen = {};
  for (let i = 0; i < N + 1; i++) {
    for (const k of i % 2 ? ['A', 'B'] : ['B', 'A']) {
      await cdp.send('ServiceWorker.stopAllWorkers');
      const sw = browser.context.serviceWorkers().find((w) => w.url().includes(ids[k]));
      // Stopped once its time origin is gone: wake it until a new instance answers.
      const [origin, ms] = await waitFor(async () => {
        await wakers[k].evaluate(() => chrome.runtime.sendMessage({ type: 'bench-wake' }).catch(() => null));
        const r = await sw.evaluate(async () => { await meetlink.ready; return [performance.timeOrigin, performance.getEntriesByName('meetlink-ready')[0].startTime]; });
        return r[0] !== seen[k] ? r : null;
      }, { what: `a new ${k} worker` });
      seen[k] = origin;
      if (i > 0) ready[k].push(ms);
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`worker start -> wasm ready, ${N} wakes each, in turn in one browser (ms)`);
  for (const k of ['A', 'B']) console.log(`${k} (${process.env[k]}): median ${med(ready[k]).toFixed(1)}, min ${Math.min(...ready[k]).toFixed(1)}, max ${Math.max(...ready[k]).toFixed(1)}`);
  console.log(`B - A: ${(med(ready.B) - med(ready.A)).toFixed(1)} ms`);
} finally {
  await browser.close();
  for (const dir of Object.values(builds)) rmSync(dir, { recursive: true, force: true });
}
