import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { uiDirection, uiLanguage } from '@/lib/i18n/t';
import { Dashboard } from './Dashboard';

document.documentElement.lang = uiLanguage();
document.documentElement.dir = uiDirection();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Dashboard />
  </StrictMode>,
);
