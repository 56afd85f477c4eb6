import { render } from 'preact';
import { t } from '../shared/rpc.ts';
import { pageLocale } from '../shared/uiText.ts';
import { Popup } from './Popup.tsx';
import './popup.css';

// Persian flips the whole page to right-to-left; the CSS uses logical properties throughout.
const { dir, lang } = pageLocale(t);
document.documentElement.dir = dir;
document.documentElement.lang = lang;
document.title = t('extName');

const root = document.getElementById('app');
if (root) render(<Popup />, root);
