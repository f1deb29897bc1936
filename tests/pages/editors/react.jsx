import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';

// Controlled fields: React owns the value; the link must survive React's next render.
function App() {
  const [text, setText] = useState('Hello  world');
  const [area, setArea] = useState('Hello  world');
  const [renders, setRenders] = useState(0);
  window.modelText = () => text;
  window.modelArea = () => area;
  window.rerender = () => setRenders((n) => n + 1);
  return (
    <div>
      <input id="field" size="60" value={text} onChange={(e) => setText(e.target.value)} />
      <textarea id="area" value={area} onChange={(e) => setArea(e.target.value)} />
      <p id="renders">{renders}</p>
    </div>
  );
}
createRoot(document.getElementById('app')).render(<App />);
