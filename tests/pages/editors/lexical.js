import { createEditor, $getRoot, $createParagraphNode, $createTextNode, $getSelection, $isRangeSelection } from 'lexical';
import { registerPlainText } from '@lexical/plain-text';
import { registerHistory, createEmptyHistoryState } from '@lexical/history';

const el = document.getElementById('editable');
const editor = createEditor({ namespace: 'fixture', onError: (e) => { throw e; } });
editor.setRootElement(el);
registerPlainText(editor);
registerHistory(editor, createEmptyHistoryState(), 300);
editor.update(() => {
  const p = $createParagraphNode();
  p.append($createTextNode('Hello world'));
  $getRoot().clear().append(p);
}, { tag: 'historic' });
/** Offset of a point in the root's text: the text of the nodes before it, plus its offset. */
const offsetOf = (point) => {
  let n = 0;
  for (const t of $getRoot().getAllTextNodes()) {
    if (t.getKey() === point.key) return n + point.offset;
    n += t.getTextContentSize();
  }
  return n;
};
window.fx = {
  text: () => editor.getEditorState().read(() => $getRoot().getTextContent()),
  caret: () => editor.getEditorState().read(() => {
    const s = $getSelection();
    return $isRangeSelection(s) ? [offsetOf(s.anchor), offsetOf(s.focus)].sort((a, b) => a - b) : null;
  }),
  place: (n) => { el.focus(); editor.update(() => $getRoot().getAllTextNodes()[0].select(n, n)); },
  focused: () => document.activeElement === el,
};
