import { html } from '../html';
import type { Html } from '../html';
import type { Choice, InstanceFilter, InstanceRow, MarketplacePlan } from '../ports';
import type { FormField } from '../schema-form';
import { toFormFields } from '../schema-form';
import { actionButton, badge, csrfField, table, toneOfState } from './parts';

function select(name: string, label: string, choices: Choice[], current: string | undefined): Html {
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">all</option>
      ${choices.map(
        (c) =>
          html`<option value="${c.guid}" ${c.guid === current ? html` selected` : ''}>
            ${c.name}
          </option>`,
      )}
    </select></label
  >`;
}

export function instancesPage(
  rows: InstanceRow[],
  filters: { orgs: Choice[]; spaces: Choice[]; services: Choice[] },
  filter: InstanceFilter,
  csrfToken: string,
): Html {
  const body = rows.map(
    (i) =>
      html`<tr id="${i.guid}">
        <td>
          <strong>${i.name}</strong>
          <div class="muted">${i.serviceLabel} · ${i.planName}</div>
        </td>
        <td class="hide-narrow">${i.orgName} / ${i.spaceName}</td>
        <td>
          ${badge(`${i.operationType} ${i.operationState}`, toneOfState(i.operationState))}
          <div class="muted">${i.operationDescription}</div>
        </td>
        <td class="hide-narrow">
          ${i.keys.length === 0 ? html`<span class="muted">none</span>` : i.keys.map((k) => html`<div class="mono">${k.name}</div>`)}
        </td>
        <td>
          ${actionButton(`/ui/instances/${i.guid}/delete`, 'Delete', csrfToken, { danger: true })}
        </td>
      </tr>`,
  );
  return html`<form class="toolbar" method="get" action="/ui/instances">
      ${select('org', 'Org', filters.orgs, filter.orgGuid)}
      ${select('space', 'Space', filters.spaces, filter.spaceGuid)}
      ${select('service', 'Service', filters.services, filter.serviceGuid)}
      <button type="submit" class="quiet">Filter</button>
      <a href="/ui/instances/new">Create an instance</a>
    </form>
    <div data-live="instances" data-topics="service_instance service_key job">
      ${table(['Instance', { text: 'Org / space', narrow: true }, 'Last operation', { text: 'Keys', narrow: true }, ''], body, 'No service instance here.')}
    </div>`;
}

function fieldInput(f: FormField): Html {
  const name = `param.${f.name}`;
  const hint = f.description === '' ? '' : html`<span class="hint">${f.description}</span>`;
  const req = f.required ? html` required` : '';
  switch (f.kind) {
    case 'boolean':
      return html`<label
        ><span
          ><input
            type="checkbox"
            name="${name}"
            value="true"
            ${f.defaultValue === 'true' ? html` checked` : ''}
          />
          ${f.title}</span
        >${hint}</label
      >`;
    case 'enum':
      return html`<label
        >${f.title} ${hint}<select name="${name}" ${req}>
          ${f.options.map(
            (o) => html`<option${o === f.defaultValue ? html` selected` : ''}>${o}</option>`,
          )}
        </select></label
      >`;
    case 'integer':
    case 'number':
      return html`<label
        >${f.title} ${hint}<input
          type="number"
          name="${name}"
          value="${f.defaultValue}"
          ${f.kind === 'integer' ? html` step="1"` : html` step="any"`}${f.minimum === undefined ? '' : html` min="${f.minimum}"`}${f.maximum === undefined ? '' : html` max="${f.maximum}"`}${req}
      /></label>`;
    case 'json':
      return html`<label
        >${f.title} <span class="hint">JSON</span> ${hint}<textarea
          class="mono"
          name="${name}"
          rows="3"
          ${req}
        >
${f.defaultValue}</textarea>
      </label>`;
    case 'string':
      return html`<label
        >${f.title} ${hint}<input name="${name}" value="${f.defaultValue}" ${req}
      /></label>`;
  }
}

/** Step 1 picks the plan (no JavaScript needed); step 2 shows the plan's own parameter form. */
export function newInstancePage(
  market: { spaces: Choice[]; plans: MarketplacePlan[] },
  chosen: MarketplacePlan | undefined,
  csrfToken: string,
  problems: string[],
  values: { name: string; spaceGuid: string },
): Html {
  if (chosen === undefined) {
    const rows = market.plans.map(
      (p) =>
        html`<tr>
          <td><strong>${p.serviceLabel}</strong></td>
          <td>
            ${p.name}
            <div class="muted">${p.description}</div>
          </td>
          <td>${p.brokerName ?? html`<span class="muted">none</span>`}</td>
          <td><a href="/ui/instances/new?plan=${p.guid}">Choose</a></td>
        </tr>`,
    );
    return table(['Service', 'Plan', 'Broker', ''], rows, 'The marketplace is empty for you.');
  }
  const fields = toFormFields(chosen.createSchema);
  return html`${
    problems.length === 0
      ? ''
      : html`<ul class="notice notice-error" role="alert">
            ${problems.map((p) => html`<li>${p}</li>`)}
          </ul>`
  }
    <form class="stack" method="post" action="/ui/instances">
      ${csrfField(csrfToken)}
      <input type="hidden" name="plan" value="${chosen.guid}" />
      <p><strong>${chosen.serviceLabel}</strong> · ${chosen.name}</p>
      <label>Name <input name="name" required value="${values.name}" /></label>
      <label
        >Space
        <select name="space" required>
          ${market.spaces.map(
            (s) =>
              html`<option value="${s.guid}" ${s.guid === values.spaceGuid ? html` selected` : ''}>
                ${s.name}
              </option>`,
          )}
        </select></label
      >
      ${
        fields.length === 0
          ? html`<p class="muted">This plan takes no parameters.</p>`
          : html`<fieldset>
              <legend>Parameters</legend>
              ${fields.map(fieldInput)}
            </fieldset>`
      }
      <button type="submit">Create instance</button>
    </form>`;
}
