import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './kinds/index.js';
import { App } from './App.js';
import './styles.css';
import './sync.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
