// Popup: renders what the worker answers. No decisions, no tokens, text only (textContent, never
// HTML). Talks to the worker through the one typed message enum (src/messages.rs).
import { t, localize } from './i18n.js';
import { copyBoth } from './clip.js';

const $ = (id) => document.getElementById(id);
localize();

const ask = (type, fields = {}) => chrome.runtime.sendMessage({ type, ...fields });

function setStatus(text, ok = false) {
  $('status').textContent = text;
  $('status').classList.toggle('ok', ok);
}

function showProblem(problem) {
  $('problem').textContent = problem ? t(`problem_${problem}`) : '';
  $('problem').hidden = !problem;
}

// Dial-in numbers as the worker validated them (src/format.rs); shown as text and tel: links.
const PHONE = { number: /^[0-9 +\-().]{4,32}$/, tel: /^tel:\+?[0-9-]{3,31}$/, pin: /^[0-9]{1,20}$/, region: /^[A-Z]{2}$/ };
const MORE = /^https:\/\/tel\.meet\/[a-z0-9-]{1,64}(\?pin=[0-9]{1,20})?$/;
const validPhone = (p) => p !== null && typeof p === 'object'
  && Object.keys(p).every((k) => k in PHONE) && PHONE.number.test(p.number) && PHONE.tel.test(p.tel)
  && (p.pin === undefined || PHONE.pin.test(p.pin)) && (p.region === undefined || PHONE.region.test(p.region));
const validDialIn = (d) => d === undefined || d === null || (typeof d === 'object'
  && Array.isArray(d.phones) && d.phones.length >= 1 && d.phones.length <= 3 && d.phones.every(validPhone)
  && (d.more === undefined || (typeof d.more === 'string' && MORE.test(d.more))));
const grouped = (pin) => pin.replace(/(\d{3})(?=\d)/g, '$1 ');

/** `Join by phone: (US) +1 402-410-2193 PIN 582 364 017# · More numbers` as nodes, or null. */
function dialInNodes(dialIn) {
  if (!dialIn || !validDialIn(dialIn)) return null;
  const nodes = [document.createTextNode(`${t('dialInLabel')} `)];
  dialIn.phones.forEach((p, i) => {
    if (i > 0) nodes.push(document.createTextNode(', '));
    const shown = `${p.region ? `(${p.region}) ` : ''}${p.number}`;
    // A number and its PIN each stay on one line: "582 364 / 017#" split over two would be misdialled.
    nodes.push(Object.assign(document.createElement('a'), { href: p.tel, textContent: shown, className: 'nobreak' }));
    if (p.pin) nodes.push(document.createTextNode(' '), Object.assign(document.createElement('span'), { className: 'nobreak', textContent: t('dialInPin', grouped(p.pin)) }));
  });
  if (dialIn.more) {
    nodes.push(document.createTextNode(' · '));
    nodes.push(Object.assign(document.createElement('a'), {
      href: dialIn.more, target: '_blank', rel: 'noopener noreferrer', textContent: t('dialInMore'),
    }));
  }
  return nodes;
}

let shownClip = null; // what Copy writes for the link shown, when the worker said

function showLink(url, earlier, dialIn = undefined, clip = null) {
  lastShown = url;
  shownClip = clip;
  const label = url.replace(/^https:\/\//, ''); // the label Google itself shows
  $('link').href = url;
  $('link').textContent = label;
  $('link').setAttribute('aria-label', t('openLinkLabel', label)); // names it with its visible text
  $('last-label').hidden = !earlier;
  const numbers = dialInNodes(dialIn ?? historyEntries.find((e) => e.url === url)?.dialIn);
  $('dial-in').replaceChildren(...(numbers ?? []));
  $('dial-in').hidden = !numbers;
  $('result').hidden = false;
}

/** Copies a link as text and HTML, as the worker writes them for it (its format, title, numbers). */
async function copy(url, clip = null) {
  const both = clip ?? (await ask('clip', { url }).catch(() => null))?.clip;
  const ok = both && typeof both.text === 'string' && typeof both.html === 'string' && await copyBoth(both.text, both.html);
  if (!ok) return setStatus(t('copyFailed'));
  setStatus(t('copied'), true);
}

async function waitForResumedLink(before) {
  for (let i = 0; i < 80; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const state = await ask('getState').catch(() => null);
    if (state?.last && state.last.url !== before) {
      showLink(state.last.url, false);
      return setStatus(t('copied'), true); // a resumed action copies its link
    }
  }
  setStatus('');
  showProblem('interrupted');
}

let lastShown = null;

async function create() {
  const before = lastShown;
  $('create').disabled = true;
  $('create').setAttribute('aria-busy', 'true');
  showProblem(null);
  $('result').hidden = true;
  setStatus(t('working'));
  try {
    const answer = await ask('createLink');
    if (answer?.type === 'link') {
      showLink(answer.link.url, false, answer.dialIn, answer.clip);
      setStatus('');
      await copy(answer.link.url, answer.clip);
      ask('getState').then((s) => showAccount(s?.account), () => {}); // the first link may have signed in
    } else {
      setStatus('');
      showProblem(answer?.problem ?? 'unexpected');
    }
  } catch {
    // The worker was stopped mid-action (the message channel closed). A restarted worker finishes
    // the action by itself; wait for its link rather than start a second meeting.
    await waitForResumedLink(before);
  } finally {
    $('create').disabled = false;
    $('create').removeAttribute('aria-busy');
  }
}

function showAccount(account) {
  $('account').hidden = false;
  $('account-label').textContent = !account ? t('accountNone')
    : account.via === 'chrome' ? t('accountChrome')
    : account.email ? t('accountWeb', account.email) : t('accountWebUnknown');
}

async function switchAccount() {
  showProblem(null);
  const answer = await ask('switchAccount').catch(() => null);
  if (answer?.type === 'account') {
    showAccount(answer.account);
  } else {
    showProblem(answer?.problem ?? 'unexpected');
  }
}

async function signOut() {
  showProblem(null);
  await ask('signOut').catch(() => null);
  $('result').hidden = true;
  lastShown = null;
  showAccount(null);
  setStatus(t('signedOut'), true);
}

// ---- history: read from storage.local (no tokens there), changed through the worker ---------------
const when = new Intl.DateTimeFormat(chrome.i18n.getUILanguage(), { dateStyle: 'medium', timeStyle: 'short' });

function historyItem(entry) {
  const code = new URL(entry.url).pathname.slice(1);
  const li = document.createElement('li');
  const link = Object.assign(document.createElement('a'), {
    href: entry.url, target: '_blank', rel: 'noopener noreferrer', textContent: code, className: 'code',
  });
  link.setAttribute('aria-label', t('openLinkLabel', code));
  const details = [when.format(entry.createdMs), shortTitle(entry.title),
    entry.account ?? t('accountBrowser'), t(entry.kind === 'space' ? 'sourceSpace' : 'sourceCalendar')];
  const meta = Object.assign(document.createElement('p'), { className: 'meta', textContent: details.filter(Boolean).join(' · ') });
  const numbers = dialInNodes(entry.dialIn);
  const phones = numbers && Object.assign(document.createElement('p'), { className: 'dial-in' });
  phones?.append(...numbers);
  const copyButton = Object.assign(document.createElement('button'), { type: 'button', className: 'small', textContent: t('copyButton') });
  copyButton.setAttribute('aria-label', t('historyCopy', code));
  copyButton.addEventListener('click', () => copy(entry.url));
  const removeButton = Object.assign(document.createElement('button'), { type: 'button', className: 'small', textContent: t('removeButton') });
  removeButton.setAttribute('aria-label', t('historyRemove', code));
  removeButton.addEventListener('click', async () => {
    const next = li.nextElementSibling?.querySelector('a') ?? li.previousElementSibling?.querySelector('a') ?? $('create');
    await ask('removeHistory', { url: entry.url });
    next.focus();
    setStatus(t('historyRemoved'), true);
  });
  const actions = Object.assign(document.createElement('div'), { className: 'actions' });
  actions.append(copyButton, removeButton);
  const text = document.createElement('div');
  text.append(link, meta, ...(phones ? [phones] : []));
  li.append(text, actions);
  return li;
}

// Stored data is read as the worker reads it (src/history.rs): each entry on its own, one that does
// not read is left out and the others shown; a title is shown to its first 200 characters.
const MAX_ENTRIES = 50;
const MAX_TITLE = 200;
const readable = (e) => e !== null && typeof e === 'object'
  && typeof e.url === 'string' && /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/.test(e.url)
  && Number.isSafeInteger(e.createdMs) && e.createdMs >= 0 && !Number.isNaN(new Date(e.createdMs).getTime())
  && (e.title === undefined || typeof e.title === 'string')
  && (e.account === undefined || e.account === null || (typeof e.account === 'string' && e.account.length <= 320))
  && validDialIn(e.dialIn);
const shortTitle = (title) => (title && title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE)}…` : title);

let historyEntries = [];

function showHistory(entries) {
  const valid = (Array.isArray(entries) ? entries : []).filter(readable).slice(0, MAX_ENTRIES);
  historyEntries = valid;
  $('history-list').replaceChildren(...valid.map(historyItem));
  $('history-empty').hidden = valid.length > 0;
  $('clear').hidden = valid.length === 0;
}

let confirmTimer;
$('clear').addEventListener('click', async () => {
  const button = $('clear');
  if (!button.dataset.confirm) {
    button.dataset.confirm = 'yes';
    button.textContent = t('historyClearConfirm');
    confirmTimer = setTimeout(() => { delete button.dataset.confirm; button.textContent = t('historyClear'); }, 4000);
    return;
  }
  clearTimeout(confirmTimer);
  delete button.dataset.confirm;
  button.textContent = t('historyClear');
  await ask('clearHistory');
  $('create').focus();
  setStatus(t('historyCleared'), true);
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.history) showHistory(changes.history.newValue);
});
const historyShown = chrome.storage.local.get('history').then(({ history }) => showHistory(history));

$('options').addEventListener('click', () => chrome.runtime.openOptionsPage());
$('create').addEventListener('click', create);
$('switch').addEventListener('click', switchAccount);
$('signout').addEventListener('click', signOut);
$('copy').addEventListener('click', () => copy($('link').href, shownClip));

const [state] = await Promise.all([ask('getState'), historyShown]); // the last link's numbers are in the history
if (state?.configured === false) {
  showProblem('noClientConfigured');
  $('create').disabled = true;
} else {
  showAccount(state?.account);
  if (state?.last) showLink(state.last.url, true);
}
$('create').focus();
// Open -> ready (the account shown, the button focused), for `./build.sh bench`.
performance.mark('meetlink-popup-ready');

// "Invite…" / "Schedule…": the confirmation window for the page the popup was opened on (its
// selection, its compose recipients); this popup's work is done once it is open.
for (const kind of ['invite', 'schedule']) {
  $(kind).addEventListener('click', async () => {
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    const answer = await ask('openMeeting', { kind, tabId: tab?.id ?? null });
    if (answer?.type === 'done') window.close();
    else showProblem(answer?.problem || 'unexpected');
  });
}
