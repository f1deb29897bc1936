import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Editor, EditorState, ContentState } from 'draft-js';

function App() {
  const [state, setState] = useState(() => EditorState.createWithContent(ContentState.createFromText('Hello  world')));
  window.modelText = () => state.getCurrentContent().getPlainText();
  return <Editor editorState={state} onChange={setState} webDriverTestID="editable" />;
}
createRoot(document.getElementById('field')).render(<App />);
