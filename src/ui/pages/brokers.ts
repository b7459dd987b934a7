import { html } from '../html';
import type { Html } from '../html';
import type { BrokerRow } from '../ports';
import { actionButton, badge, csrfField, table } from './parts';

function syncCell(b: BrokerRow): Html {
  if (b.lastSyncAt === null) return html`<span class="muted">never</span>`;
  const status = b.lastSyncOk === true ? badge('ok', 'ok') : badge('failed', 'bad');
  return html`${status}
    <span class="muted">${b.lastSyncAt}</span
    >${b.lastSyncError === null ? '' : html`<div class="muted">${b.lastSyncError}</div>`}`;
}

function brokerForm(
  action: string,
  csrfToken: string,
  b: BrokerRow | undefined,
  submit: string,
): Html {
  return html`<form class="stack" method="post" action="${action}">
    ${csrfField(csrfToken)}
    <label>Name <input name="name" required value="${b?.name ?? ''}" /></label>
    <label>URL <input name="url" type="url" required value="${b?.url ?? ''}" /></label>
    <label
      >Username <input name="username" required value="${b?.username ?? ''}" autocomplete="off"
    /></label>
    <label
      >Password
      ${b === undefined ? '' : html`<span class="hint">leave empty to keep the stored one</span>`}<input
        name="password"
        type="password"
        ${b === undefined ? html` required` : ''}
        autocomplete="new-password"
    /></label>
    <button type="submit">${submit}</button>
  </form>`;
}

export function brokersPage(brokers: BrokerRow[], csrfToken: string): Html {
  const rows = brokers.map(
    (b) =>
      html`<tr id="${b.guid}">
        <td>
          <strong>${b.name}</strong>
          <div class="muted mono">${b.url}</div>
        </td>
        <td>${b.serviceCount}</td>
        <td>${syncCell(b)}</td>
        <td>
          ${actionButton(`/ui/brokers/${b.guid}/sync`, 'Re-sync', csrfToken)}
          <a href="/ui/brokers/${b.guid}">Edit</a>
          ${actionButton(`/ui/brokers/${b.guid}/delete`, 'Delete', csrfToken, { danger: true })}
        </td>
      </tr>`,
  );
  return html`<div data-live="brokers" data-topics="broker">
      ${table(['Broker', 'Services', 'Last sync', 'Actions'], rows, 'No broker is registered.')}
    </div>
    <h2>Register a broker</h2>
    ${brokerForm('/ui/brokers', csrfToken, undefined, 'Register')}`;
}

export function brokerEditPage(b: BrokerRow, csrfToken: string): Html {
  return html`${brokerForm(`/ui/brokers/${b.guid}`, csrfToken, b, 'Save')}
    <p><a href="/ui/brokers">Back to brokers</a></p>`;
}
