// login.js - the login page: user and password, POST /api/login (the
// server sets the session cookie); wrong credentials and too many attempts
// are shown beside the field.
import { ApiError, post } from './api.js';
import { field, passwordInput, textInput } from './fields.js';
import { busy, h, replace, setFieldError } from './ui.js';

// Shows the login form in root; done(user) runs after a successful login.
export function showLogin(root, done) {
  const cred = { user: 'admin', password: '' };
  const user = textInput(cred, 'user', { autocomplete: 'username', name: 'user' });
  const password = passwordInput(cred, 'password', { autocomplete: 'current-password', name: 'password' });
  const submit = h('button', { type: 'submit', class: 'btn primary block' }, 'Sign in');
  const form = h('form', { class: 'login-card card', novalidate: true },
    h('div', { class: 'login-brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', {}, 'k2td')),
    h('p', { class: 'muted' }, 'Kafka to TDengine. Sign in to manage data sources.'),
    field('User', user, { path: 'user' }), field('Password', password, { path: 'password' }), submit);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  submit.addEventListener('click', busy(submit, async (ev) => {
    ev.preventDefault();
    setFieldError(user, '');
    setFieldError(password, '');
    if (!cred.user.trim()) { setFieldError(user, 'Give the user.'); return; }
    if (!cred.password) { setFieldError(password, 'Give the password.'); return; }
    try {
      const ans = await post('/api/login', { user: cred.user.trim(), password: cred.password }, { quiet401: true });
      done(ans.user);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const msg = e.status === 429 && e.retryAfter ? `${e.message} Try again in ${e.retryAfter} s.` : e.message;
      setFieldError(e.field === 'user' ? user : password, msg);
    }
  }));
  replace(root, h('div', { class: 'login-wrap' }, form));
  (cred.user ? password : user).focus();
}
