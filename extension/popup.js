// Popup: renders what the worker answers. No decisions, no tokens, text only (textContent, never
// HTML). Talks to the worker through the one typed message enum (src/messages.rs).
import { t, localize } from './i18n.js';

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

function showLink(url, earlier) {
  lastShown = url;
  const label = url.replace(/^https:\/\//, ''); // the label Google itself shows
  $('link').href = url;
  $('link').textContent = label;
  $('link').setAttribute('aria-label', t('openLinkLabel', label)); // names it with its visible text
  $('last-label').hidden = !earlier;
  $('result').hidden = false;
}

async function copy(url) {
  try {
    await navigator.clipboard.writeText(url);
  } catch {
    // Some contexts refuse the async API; the legacy command still works in a focused extension page.
    const area = document.createElement('textarea');
    area.value = url;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    if (!ok) return setStatus(t('copyFailed'));
  }
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
      showLink(answer.link.url, false);
      setStatus('');
      await copy(answer.link.url);
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
  text.append(link, meta);
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
  && (e.account === undefined || e.account === null || (typeof e.account === 'string' && e.account.length <= 320));
const shortTitle = (title) => (title && title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE)}…` : title);

function showHistory(entries) {
  const valid = (Array.isArray(entries) ? entries : []).filter(readable).slice(0, MAX_ENTRIES);
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
chrome.storage.local.get('history').then(({ history }) => showHistory(history));

$('options').addEventListener('click', () => chrome.runtime.openOptionsPage());
$('create').addEventListener('click', create);
$('switch').addEventListener('click', switchAccount);
$('signout').addEventListener('click', signOut);
$('copy').addEventListener('click', () => copy($('link').href));

const state = await ask('getState');
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
