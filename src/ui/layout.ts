import { html } from './html';
import type { Html } from './html';

export interface PageChrome {
  title: string;
  /** The signed-in user's name; undefined on the login page. */
  userName: string | undefined;
  csrfToken: string | undefined;
  /** Which nav entry is current. */
  section: NavSection | undefined;
  isAdmin: boolean;
  /** Flash text shown above the content (outcome of the last action). */
  notice?: { kind: 'ok' | 'error'; text: string } | undefined;
}

export type NavSection = 'overview' | 'catalog' | 'brokers' | 'instances' | 'containers';

const NAV: ReadonlyArray<{ section: NavSection; href: string; label: string; adminOnly: boolean }> =
  [
    { section: 'overview', href: '/ui', label: 'Overview', adminOnly: false },
    { section: 'catalog', href: '/ui/catalog', label: 'Catalog', adminOnly: false },
    { section: 'brokers', href: '/ui/brokers', label: 'Brokers', adminOnly: true },
    { section: 'instances', href: '/ui/instances', label: 'Instances', adminOnly: false },
    { section: 'containers', href: '/ui/containers', label: 'Containers', adminOnly: false },
  ];

function nav(chrome: PageChrome): Html {
  if (chrome.userName === undefined) return html``;
  const items = NAV.filter((n) => !n.adminOnly || chrome.isAdmin).map(
    (n) =>
      html`<li>
        <a href="${n.href}" ${n.section === chrome.section ? html` aria-current="page"` : ''}
          >${n.label}</a
        >
      </li>`,
  );
  return html`<nav aria-label="Main">
      <ul>
        ${items}
      </ul>
    </nav>
    <form class="logout" method="post" action="/ui/logout">
      <input type="hidden" name="_csrf" value="${chrome.csrfToken ?? ''}" />
      <span class="who">${chrome.userName}</span>
      <button type="submit">Log out</button>
    </form>`;
}

/** The page frame every dashboard page shares. No inline script or style: the CSP forbids them. */
export function layout(chrome: PageChrome, content: Html): Html {
  const notice =
    chrome.notice === undefined
      ? ''
      : html`<p
          class="notice notice-${chrome.notice.kind}"
          role="${chrome.notice.kind === 'error' ? 'alert' : 'status'}"
        >
          ${chrome.notice.text}
        </p>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${chrome.title} · Wharf</title>
        <link rel="stylesheet" href="/ui/assets/wharf.css" />
        <link rel="icon" href="/ui/assets/favicon.svg" type="image/svg+xml" />
        <script src="/ui/assets/live.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/ui">Wharf</a>
          ${nav(chrome)}
        </header>
        <main>
          <h1>${chrome.title}</h1>
          ${notice} ${content}
        </main>
      </body>
    </html>`;
}
