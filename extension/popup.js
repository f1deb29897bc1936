// Popup: renders what the worker answers. No decisions, no tokens, text only (textContent, never
// HTML). Talks to the worker through the one typed message enum (src/messages.rs).
const $ = (id) => document.getElementById(id);
const t = (key, ...subs) => chrome.i18n.getMessage(key, subs) || key;

for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
document.documentElement.lang = chrome.i18n.getUILanguage();

const ask = (type) => chrome.runtime.sendMessage({ type });

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
  const code = new URL(url).pathname.slice(1);
  $('link').href = url;
  $('link').textContent = url.replace(/^https:\/\//, ''); // the label Google itself shows
  $('link').setAttribute('aria-label', t('openLinkLabel', code));
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
