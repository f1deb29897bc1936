import { EditorState, TextSelection } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { schema } from 'prosemirror-schema-basic';
import { history, undo, redo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';

// Set up as ProseMirror editors are: with history and its undo keys.
const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Hello world')])]);
const plugins = [history(), keymap({ 'Mod-z': undo, 'Mod-y': redo, 'Shift-Mod-z': redo })];
const view = new EditorView(document.getElementById('field'), { state: EditorState.create({ doc, plugins }) });
view.dom.id = 'editable';
// Offsets in the text of the one paragraph; document positions count the paragraph's opening (1).
window.fx = {
  text: () => view.state.doc.textContent,
  caret: () => [view.state.selection.from - 1, view.state.selection.to - 1],
  place: (n) => { view.focus(); view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, n + 1))); },
  focused: () => view.hasFocus(),
};
