// Ace from npm: a hidden textarea takes the keys, the document is Ace's own.
import ace from 'ace-builds';

const editor = ace.edit('field', { value: 'Hello world', useWorker: false });
editor.session.getUndoManager().reset();
const doc = editor.session.getDocument();
window.fx = {
  text: () => editor.getValue(),
  caret: () => { const r = editor.getSelectionRange(); return [doc.positionToIndex(r.start), doc.positionToIndex(r.end)]; },
  place: (n) => { editor.focus(); const p = doc.indexToPosition(n); editor.clearSelection(); editor.moveCursorTo(p.row, p.column); },
  focused: () => editor.isFocused(),
};
