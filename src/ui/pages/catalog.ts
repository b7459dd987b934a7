import { html } from '../html';
import type { Html } from '../html';
import type { CatalogServiceRow, PlanVisibility } from '../ports';
import { badge, csrfField, table } from './parts';

function planList(service: CatalogServiceRow, isAdmin: boolean): Html {
  return html`<ul>
    ${service.plans.map(
      (p) =>
        html`<li>
          ${p.name}
          ${badge(p.public ? 'public' : 'private', p.public ? 'ok' : 'plain')}${p.free ? '' : html` ${badge('paid', 'plain')}`}${isAdmin ? html` <a href="/ui/catalog/plans/${p.guid}/visibility">access</a>` : ''}
        </li>`,
    )}
  </ul>`;
}

function createForm(csrfToken: string): Html {
  return html`<h2>New catalog entry</h2>
    <form class="stack" method="post" action="/ui/catalog">
      ${csrfField(csrfToken)}
      <label>Label <input name="label" required maxlength="255" /></label>
      <label>Description <input name="description" required /></label>
      <label
        ><span><input type="checkbox" name="bindable" value="true" checked /> Bindable</span></label
      >
      <label>First plan name <input name="plan_name" required value="default" /></label>
      <label
        >Plan description <input name="plan_description" required value="The default plan"
      /></label>
      <label
        ><span><input type="checkbox" name="plan_free" value="true" checked /> Free</span></label
      >
      <label
        >Container template
        <span class="hint"
          >optional JSON: the <code>container</code> object of <code>extra</code> (Image,
          ContainerPort, ServicePort, …)</span
        >
        <textarea name="container" rows="5" class="mono"></textarea>
      </label>
      <button type="submit">Create entry</button>
    </form>`;
}

export function catalogPage(
  services: CatalogServiceRow[],
  search: string,
  isAdmin: boolean,
  csrfToken: string,
): Html {
  const rows = services.map(
    (s) =>
      html`<tr id="${s.guid}">
        <td>
          <strong>${s.label}</strong>
          <div class="muted">${s.description}</div>
        </td>
        <td>${planList(s, isAdmin)}</td>
        <td>${s.bindable ? 'yes' : 'no'}</td>
        <td class="hide-narrow">${s.brokerName ?? html`<span class="muted">none</span>`}</td>
        <td>${badge(s.active ? 'active' : 'inactive', s.active ? 'ok' : 'plain')}</td>
      </tr>`,
  );
  return html`<form class="toolbar" method="get" action="/ui/catalog" role="search">
      <input
        name="q"
        type="search"
        placeholder="Search services"
        value="${search}"
        aria-label="Search services"
      />
      <button type="submit" class="quiet">Search</button>
    </form>
    ${table(['Service', 'Plans', 'Bindable', { text: 'Broker', narrow: true }, 'State'], rows, search === '' ? 'The catalog is empty.' : 'No service matches.')}
    ${isAdmin ? createForm(csrfToken) : ''}`;
}

export function visibilityPage(v: PlanVisibility, orgSearch: string, csrfToken: string): Html {
  const rows = v.orgs.map(
    (o) =>
      html`<tr>
        <td>
          <label
            ><input
              type="checkbox"
              name="org"
              value="${o.guid}"
              ${o.granted ? html` checked` : ''}
            />
            ${o.name}</label
          ><input type="hidden" name="listed" value="${o.guid}" />
        </td>
        <td>${o.granted ? badge('granted', 'ok') : badge('no access', 'plain')}</td>
      </tr>`,
  );
  return html`<p>
      Plan <strong>${v.plan.name}</strong> of <strong>${v.serviceLabel}</strong> is
      ${v.plan.public ? 'public: every org sees it' : 'private: only the orgs granted below see it'}.
    </p>
    <form
      class="toolbar"
      method="get"
      action="/ui/catalog/plans/${v.plan.guid}/visibility"
      role="search"
    >
      <input
        name="org_q"
        type="search"
        placeholder="Search orgs"
        value="${orgSearch}"
        aria-label="Search orgs"
      />
      <button type="submit" class="quiet">Search</button>
    </form>
    <form method="post" action="/ui/catalog/plans/${v.plan.guid}/visibility">
      ${csrfField(csrfToken)} ${table(['Organization', 'Access'], rows, 'No organization matches.')}
      <p class="toolbar">
        <button type="submit">Save access</button> <a href="/ui/catalog">Back to the catalog</a>
      </p>
    </form>`;
}
