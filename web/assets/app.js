// app.js - the page's entry point: checks the session, draws the top bar,
// and routes the hash (#/tasks, #/tasks/new, #/tasks/7, #/tasks/7/edit) to
// its view; a 401 from any request shows the login page and comes back.
import { get, post, setUnauthorizedHandler } from './api.js';
import { showLogin } from './login.js';
import { showTaskDetail } from './task-detail.js';
import { showTaskForm } from './task-form.js';
import { showTaskList } from './tasks-list.js';
import { h, replace, toast } from './ui.js';

const main = document.getElementById('main');
const bar = document.getElementById('topbar');
let user = null;
let stopView = () => {};
// The session cookie is HttpOnly; this note only says a login happened in
// this browser, so a fresh visit shows the login page without a 401.
const HINT = 'k2td.user';

// Draws the top bar (brand, navigation, user and logout when logged in).
function drawBar() {
  replace(bar, h('a', { class: 'brand', href: '#/tasks' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'k2td'),
    user ? h('nav', { class: 'nav' }, h('a', { href: '#/tasks', class: 'active' }, 'Data sources')) : null,
    h('span', { class: 'spacer' }),
    user ? h('span', { class: 'user' }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, user.slice(0, 1).toUpperCase()), user) : null,
    user ? h('button', { type: 'button', class: 'btn ghost', onclick: logout }, 'Log out') : null);
}

async function logout() {
  try {
    await post('/api/logout');
  } catch (e) {
    toast(e.message, 'error');
  }
  user = null;
  localStorage.removeItem(HINT);
  login();
}

// Shows the login page; after it, the route that was asked for.
function login() {
  stopView();
  stopView = () => {};
  user = null;
  localStorage.removeItem(HINT);
  drawBar();
  document.title = 'Sign in · k2td';
  showLogin(main, (name) => {
    user = name;
    localStorage.setItem(HINT, name);
    drawBar();
    route();
  });
}

// Shows the view of the current hash.
function route() {
  if (!user) return;
  stopView();
  stopView = () => {};
  window.scrollTo(0, 0);
  const path = location.hash.replace(/^#/, '') || '/tasks';
  let m;
  if (path === '/tasks/new') {
    document.title = 'Add data source · k2td';
    showTaskForm(main);
  } else if ((m = /^\/tasks\/(\d+)\/edit$/.exec(path))) {
    document.title = 'Edit data source · k2td';
    showTaskForm(main, Number(m[1]));
  } else if ((m = /^\/tasks\/(\d+)$/.exec(path))) {
    document.title = 'Data source · k2td';
    stopView = showTaskDetail(main, Number(m[1]));
  } else {
    document.title = 'Data sources · k2td';
    if (path !== '/tasks') history.replaceState(null, '', '#/tasks');
    stopView = showTaskList(main);
  }
}

setUnauthorizedHandler(() => { if (user) toast('Your session ended; sign in again.', 'info'); login(); });
window.addEventListener('hashchange', route);

(async () => {
  if (!localStorage.getItem(HINT)) { login(); return; }
  try {
    const s = await get('/api/session', { quiet401: true });
    user = s.user;
    drawBar();
    route();
  } catch (e) {
    login();
  }
})();
