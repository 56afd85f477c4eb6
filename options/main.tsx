// The shared palette first: every later stylesheet (the page's, its components') builds on it.
import '../shared/ui/theme.css';
import { render } from 'preact';
import { t } from '../shared/ui/messageClient.ts';
import { pageLocale } from '../shared/ui/uiText.ts';
import { Options } from './Options.tsx';
import './options.css';

// Persian flips the whole page to right-to-left; the CSS uses logical properties throughout.
const { dir, lang } = pageLocale(t);
document.documentElement.dir = dir;
document.documentElement.lang = lang;
document.title = `${t('extName')} – ${t('optionsTitle')}`;

const root = document.getElementById('app');
if (root) render(<Options />, root);
