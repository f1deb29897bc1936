import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createEditor, Node, Transforms } from 'slate';
import { Slate, Editable, withReact, ReactEditor } from 'slate-react';
import { withHistory } from 'slate-history';

// Set up as Slate editors are: with slate-history (its own undo on Ctrl+Z).
function App() {
  const [editor] = useState(() => withHistory(withReact(createEditor())));
  window.fx = {
    text: () => editor.children.map((n) => Node.string(n)).join('\n'),
    caret: () => (editor.selection ? [editor.selection.anchor.offset, editor.selection.focus.offset].sort((a, b) => a - b) : null),
    place: (n) => { ReactEditor.focus(editor); Transforms.select(editor, { path: [0, 0], offset: n }); },
    focused: () => ReactEditor.isFocused(editor),
  };
  return (
    <Slate editor={editor} initialValue={[{ type: 'paragraph', children: [{ text: 'Hello world' }] }]}>
      <Editable id="editable" />
    </Slate>
  );
}
createRoot(document.getElementById('field')).render(<App />);
