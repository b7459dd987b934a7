import { html } from '../html';
import type { Html } from '../html';
import { csrfField } from './parts';

export function loginPage(csrfToken: string, problem: string | undefined, username: string): Html {
  return html`<form class="stack login" method="post" action="/ui/login">
    ${csrfField(csrfToken)}
    ${problem === undefined ? '' : html`<p class="notice notice-error" role="alert">${problem}</p>`}
    <label
      >Username <input name="username" autocomplete="username" required value="${username}"
    /></label>
    <label
      >Password <input name="password" type="password" autocomplete="current-password" required
    /></label>
    <button type="submit">Log in</button>
    <p class="muted">Sign in with a Wharf user (the same as <code>cf login</code>).</p>
  </form>`;
}
