import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { schema } from 'prosemirror-schema-basic';

const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Hello  world')])]);
const view = new EditorView(document.getElementById('field'), { state: EditorState.create({ doc }) });
view.dom.id = 'editable';
window.modelText = () => view.state.doc.textContent;
