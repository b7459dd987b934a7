import { html } from '../html';
import type { Html } from '../html';
import type { Attention, Counts } from '../ports';
import { badge, toneOfState } from './parts';

const card = (n: number, label: string, href: string): Html =>
  html`<a class="card" href="${href}"
    ><div class="n">${n}</div>
    <div class="l">${label}</div></a
  >`;

export function overviewPage(counts: Counts, attention: Attention): Html {
  const cards = [
    card(counts.services, 'services', '/ui/catalog'),
    card(counts.plans, 'plans', '/ui/catalog'),
    counts.brokers === undefined ? '' : card(counts.brokers, 'brokers', '/ui/brokers'),
    card(counts.instances, 'service instances', '/ui/instances'),
    card(counts.containerServices, 'container services', '/ui/containers'),
  ];
  const items: Html[] = [
    ...attention.failedBrokers.map(
      (b) =>
        html`<li>
          ${badge('sync failed', 'bad')} broker <a href="/ui/brokers#${b.guid}">${b.name}</a>:
          ${b.error}
        </li>`,
    ),
    ...attention.stuckInstances.map(
      (i) =>
        html`<li>
          ${badge(`${i.type} ${i.state}`, toneOfState(i.state))} instance
          <a href="/ui/instances#${i.guid}">${i.name}</a> since
          ${i.since}${i.description === '' ? '' : html`: ${i.description}`}
        </li>`,
    ),
    ...attention.unhealthyContainers.map(
      (c) =>
        html`<li>
          ${badge(c.status, toneOfState(c.status))} container service
          <a href="/ui/containers/${encodeURIComponent(c.name)}">${c.name}</a> ${c.up}/${c.want}
          up${c.message === '' ? '' : html`: ${c.message}`}
        </li>`,
    ),
  ];
  return html`<section class="cards" aria-label="Counts">${cards}</section>
    <h2>Needs attention</h2>
    <div data-live="attention" data-topics="broker service_instance container_service job">
      ${
        items.length === 0
          ? html`<p class="muted">Nothing needs attention.</p>`
          : html`<ul class="attention">
              ${items}
            </ul>`
      }
    </div>`;
}
