// Popup click -> link shown, measured inside the page (performance.now), N runs at each fake latency.
// Run with ./build.sh bench. Prints distributions; asserts nothing.
import { fake, launch, stubIdentity, openPopup, variant } from '../e2e/harness.js';

const RUNS = Number(process.env.RUNS || 20);
const LATENCIES = (process.env.LATENCIES || '0,100').split(',').map(Number);

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];
const fmt = (x) => x.toFixed(1).padStart(7);

await fake.start();
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
    console.log(`${name.padEnd(18)} ${String(latency).padStart(8)} ms ${fmt(pct(times, 0.5))}  ${fmt(pct(times, 0.9))}  ${fmt(times.at(-1))}`);
  }
} finally {
  await browser.close();
}
}
fake.stop();
