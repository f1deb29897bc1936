import { createEditor, $getRoot, $createParagraphNode, $createTextNode } from 'lexical';
import { registerPlainText } from '@lexical/plain-text';

const el = document.getElementById('editable');
const editor = createEditor({ namespace: 'fixture', onError: (e) => { throw e; } });
editor.setRootElement(el);
registerPlainText(editor);
editor.update(() => {
  const p = $createParagraphNode();
  p.append($createTextNode('Hello  world'));
  $getRoot().clear().append(p);
});
window.modelText = () => editor.getEditorState().read(() => $getRoot().getTextContent());
