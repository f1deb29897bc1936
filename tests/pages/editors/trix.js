// Trix (Basecamp, HEY) from npm: a custom element with its own document model and undo.
import 'trix';

const el = document.getElementById('editable');
function ready() {
  el.editor.loadHTML('Hello world');
  const text = () => el.editor.getDocument().toString().replace(/\n$/, '');
  window.fx = {
    text,
    caret: () => el.editor.getSelectedRange(),
    place: (n) => { el.focus(); el.editor.setSelectedRange([n, n]); },
    focused: () => document.activeElement === el,
  };
}
// The element may have initialised while the bundle ran.
if (el.editor) ready(); else el.addEventListener('trix-initialize', ready, { once: true });
