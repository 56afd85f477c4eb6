// The shared palette first: every later stylesheet (the page's, its components') builds on it.
import '../shared/ui/theme.css';
import { render } from 'preact';
import { send, t } from '../shared/ui/messageClient.ts';
import { pageLocale } from '../shared/ui/uiText.ts';
import { Popup } from './Popup.tsx';
import './popup.css';

// The queue is what the agent opened the popup for: ask the background before anything else, so its
// answer is on the way while the page renders.
const firstList = send('calls.list', undefined);

// Persian flips the whole page to right-to-left; the CSS uses logical properties throughout.
const { dir, lang } = pageLocale(t);
document.documentElement.dir = dir;
document.documentElement.lang = lang;
document.title = t('extName');

const root = document.getElementById('app');
if (root) render(<Popup firstList={firstList} />, root);
