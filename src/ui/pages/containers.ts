import { html } from '../html';
import type { Html } from '../html';
import type { ContainerDetail, ContainerRow } from '../ports';
import { actionButton, badge, csrfField, table, toneOfState } from './parts';

const link = (name: string): string => `/ui/containers/${encodeURIComponent(name)}`;

export function containersPage(rows: ContainerRow[]): Html {
  const body = rows.map(
    (c) =>
      html`<tr>
        <td>
          <a href="${link(c.name)}"><strong>${c.name}</strong></a>
          <div class="muted mono">${c.image}</div>
        </td>
        <td>
          ${badge(c.status, toneOfState(c.status))}
          <div class="muted">${c.message}</div>
        </td>
        <td>${c.up}/${c.replicas}</td>
        <td class="mono">${c.endpoint}${c.fip === '' ? '' : html`<div>FIP ${c.fip}</div>`}</td>
        <td class="hide-narrow">${c.created}</td>
      </tr>`,
  );
  return html`<div data-live="containers" data-topics="container_service">
    ${table(['Name', 'Status', 'Replicas', 'Endpoint', { text: 'Created', narrow: true }], body, 'No container service.')}
  </div>`;
}

export function containerPage(c: ContainerDetail, csrfToken: string): Html {
  const backends = c.backends.map(
    (b) =>
      html`<tr>
        <td class="mono">${b.containerId.slice(0, 12)}</td>
        <td>${b.state}</td>
        <td>${badge(b.health, toneOfState(b.health))}</td>
      </tr>`,
  );
  const events = c.events.map((e) => html`<li><span class="muted">${e.at}</span> ${e.text}</li>`);
  const form = (action: string, body: Html, submit: string): Html =>
    html`<form class="stack" method="post" action="${action}">
      ${csrfField(csrfToken)}${body}<button type="submit">${submit}</button>
    </form>`;
  return html`<div data-live="container" data-topics="container_service">
      <p>
        ${badge(c.status, toneOfState(c.status))} ${c.message} ·
        <span class="mono">${c.image}</span>
      </p>
      <p class="mono">
        Endpoint ${c.endpoint === '' ? '—' : c.endpoint} · ${c.protocol} ${c.servicePort} →
        ${c.containerPort} · ${c.algorithm} ·
        ${c.containerSize}${c.fip === '' ? '' : html` · FIP ${c.fip}`}
      </p>
      <h2>Replicas <span class="muted" data-testid="up-count">${c.up}/${c.replicas} up</span></h2>
      ${table(['Container', 'State', 'Health'], backends, 'No replica yet.')}
      <h2>Recent events</h2>
      ${
        events.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<ul>
              ${events}
            </ul>`
      }
    </div>
    <h2>Change</h2>
    <div class="cards">
      ${form(`${link(c.name)}/scale`, html`<label>Replicas <input type="number" name="Replicas" min="0" step="1" required value="${c.replicas}" /></label>`, 'Scale')}
      ${form(`${link(c.name)}/image`, html`<label>Image <span class="hint">rolling update, one replica at a time</span><input name="Image" required value="${c.image}" /></label>`, 'Roll out')}
      ${form(`${link(c.name)}/fip`, html`<label>FIP <span class="hint">empty detaches</span><input name="FIP" value="${c.fip}" /></label>`, c.fip === '' ? 'Attach' : 'Change')}
    </div>
    <p>
      ${actionButton(`${link(c.name)}/delete`, 'Delete service', csrfToken, { danger: true })}
    </p>`;
}
