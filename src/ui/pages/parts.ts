import { html } from '../html';
import type { Html } from '../html';

export const csrfField = (token: string): Html =>
  html`<input type="hidden" name="_csrf" value="${token}" />`;

/** A POST button in its own small form (delete, re-sync): works without JavaScript. */
export function actionButton(
  action: string,
  label: string,
  csrfToken: string,
  options: { danger?: boolean; fields?: Record<string, string> } = {},
): Html {
  const fields = Object.entries(options.fields ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return html`<form class="inline" method="post" action="${action}">
    ${csrfField(csrfToken)}${fields}<button
      type="submit"
      ${options.danger === true ? html` class="danger"` : ''}
    >
      ${label}
    </button>
  </form>`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'plain';

export const badge = (textValue: string, tone: Tone): Html =>
  html`<span class="badge${tone === 'plain' ? '' : html` badge-${tone}`}">${textValue}</span>`;

export function toneOfState(state: string): Tone {
  switch (state) {
    case 'succeeded':
    case 'active':
    case 'UP':
      return 'ok';
    case 'in progress':
    case 'updating':
    case 'created':
    case 'MAINT':
    case 'DRAIN':
      return 'warn';
    case 'failed':
    case 'DOWN':
      return 'bad';
    default:
      return 'plain';
  }
}

export function table(
  headers: readonly (string | { text: string; narrow: boolean })[],
  rows: Html[],
  empty: string,
): Html {
  const head = headers.map((h) =>
    typeof h === 'string'
      ? html`<th>${h}</th>`
      : html`<th class="${h.narrow ? 'hide-narrow' : ''}">${h.text}</th>`,
  );
  const body =
    rows.length === 0
      ? html`<tr>
          <td colspan="${headers.length}" class="muted">${empty}</td>
        </tr>`
      : rows;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${head}
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>
  </div>`;
}
