import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createEditor, Node } from 'slate';
import { Slate, Editable, withReact } from 'slate-react';

function App() {
  const [editor] = useState(() => withReact(createEditor()));
  window.modelText = () => editor.children.map((n) => Node.string(n)).join('\n');
  return (
    <Slate editor={editor} initialValue={[{ type: 'paragraph', children: [{ text: 'Hello  world' }] }]}>
      <Editable id="editable" />
    </Slate>
  );
}
createRoot(document.getElementById('field')).render(<App />);
