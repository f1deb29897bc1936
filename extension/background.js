// MeetLink service worker: a listener shim and nothing else (DESIGN.md "Where code runs").
//
// Listeners must be registered synchronously on the worker's first turn, or the event that woke the
// worker is missed (extension-platform.md §1.1; web-extensions-sys#31). Wasm instantiation is
// asynchronous and top-level await is forbidden in service workers, so `init()` starts here, every
// listener awaits `ready`, and every decision is made by the Rust function it forwards to.
import init, * as core from './pkg/meetlink.js';

// The mark times a cold start (worker start -> wasm ready) for `./build.sh bench`. `ready` resolves
// to the instantiated module's exports (the e2e suite reads its memory's size). The module's URL is
// given: build.sh bundles this file with the glue into the package's root (the glue's own default,
// next to itself, would be wrong there).
const ready = init({ module_or_path: new URL('pkg/meetlink_bg.wasm', import.meta.url) }).then((wasm) => {
  performance.mark('meetlink-ready');
  return wasm;
});

const forward = (name) => async (...args) => {
  await ready;
  return core[name](...args);
};

// The worker's entry points, under one name so tests can drive them (Playwright cannot click native
// menus or press browser shortcuts). Listeners below call exactly these functions.
globalThis.meetlink = Object.freeze({
  ready,
  onMessage: forward('onMessage'),
  onMenuClicked: forward('onMenuClicked'),
  onCommand: forward('onCommand'),
  onWorkerStart: forward('onWorkerStart'),
  onInstalled: forward('onInstalled'),
  onStartup: forward('onStartup'),
  onManagedChanged: forward('onManagedChanged'),
  onAlarm: forward('onAlarm'),
});

chrome.runtime.onInstalled.addListener((details) => meetlink.onInstalled(details));
chrome.runtime.onStartup.addListener(() => meetlink.onStartup());
chrome.storage.onChanged.addListener((_, area) => {
  if (area === 'managed') meetlink.onManagedChanged();
});
// Every start of the worker, whatever woke it: finish actions a stopped instance left behind.
meetlink.onWorkerStart();
chrome.contextMenus.onClicked.addListener((info, tab) => meetlink.onMenuClicked(info, tab));
chrome.commands.onCommand.addListener((command, tab) => meetlink.onCommand(command, tab));
chrome.alarms.onAlarm.addListener((alarm) => meetlink.onAlarm(alarm));
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // `return true` + sendResponse works in every Chromium version; a returned Promise only since 147.
  meetlink.onMessage(message, sender).then(sendResponse, (error) => {
    console.error('MeetLink:', error);
    sendResponse({ type: 'failed', problem: 'unexpected' });
  });
  return true;
});
