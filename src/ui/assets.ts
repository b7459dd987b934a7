/**
 * The dashboard's only static files, kept as constants so they ship inside the compiled tree
 * (no copy step, no CDN). Served with long-lived caching under /ui/assets/.
 */
export const STYLESHEET = `
:root { --ink:#1d2433; --muted:#5b6577; --line:#dde2ea; --bg:#f6f8fb; --card:#fff; --accent:#1f6feb;
  --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font-size:15px; line-height:1.45; }
a { color:var(--accent); }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.6rem 1.25rem;
  background:#0d1b2a; color:#fff; }
header.top a { color:#fff; text-decoration:none; }
.brand { font-weight:700; font-size:1.15rem; letter-spacing:.02em; }
nav ul { list-style:none; display:flex; flex-wrap:wrap; gap:.25rem; margin:0; padding:0; }
nav a { display:block; padding:.3rem .65rem; border-radius:6px; }
nav a[aria-current="page"], nav a:hover { background:rgba(255,255,255,.16); }
form.logout { margin-left:auto; display:flex; align-items:center; gap:.5rem; }
form.logout .who { opacity:.85; }
main { max-width:1200px; margin:0 auto; padding:1rem 1.25rem 3rem; }
h1 { font-size:1.5rem; margin:.5rem 0 1rem; }
h2 { font-size:1.15rem; margin:1.5rem 0 .5rem; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(160px, 1fr)); gap:.75rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:.8rem 1rem; }
.card .n { font-size:1.8rem; font-weight:700; }
.card .l { color:var(--muted); }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; }
th, td { text-align:left; padding:.5rem .65rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef2f7; font-weight:600; font-size:.85rem; color:var(--muted); text-transform:uppercase; letter-spacing:.03em; }
tr:last-child td { border-bottom:0; }
.table-wrap { overflow-x:auto; }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; font-weight:600; background:#eef2f7; }
.badge-ok { background:#dafbe1; color:var(--ok); }
.badge-warn { background:#fff8c5; color:var(--warn); }
.badge-bad { background:#ffebe9; color:var(--bad); }
.notice { padding:.6rem .9rem; border-radius:8px; border:1px solid var(--line); background:var(--card); }
.notice-ok { border-color:#aceebb; background:#dafbe1; }
.notice-error { border-color:#ffcecb; background:#ffebe9; }
form.inline { display:inline; }
form.stack { display:grid; gap:.6rem; max-width:32rem; background:var(--card); border:1px solid var(--line);
  border-radius:10px; padding:1rem; }
form.stack label { display:grid; gap:.2rem; font-weight:600; }
form.stack .hint { font-weight:400; color:var(--muted); font-size:.85rem; }
input, select, textarea { font:inherit; padding:.4rem .5rem; border:1px solid #b9c2d0; border-radius:6px; background:#fff; }
button { font:inherit; padding:.4rem .85rem; border-radius:6px; border:1px solid #1a5fd0; background:var(--accent); color:#fff; cursor:pointer; }
button.danger { background:var(--bad); border-color:#a40e26; }
button.quiet { background:#fff; color:var(--ink); border-color:#b9c2d0; }
.toolbar { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin:.5rem 0 1rem; }
.muted { color:var(--muted); }
.attention li { margin:.25rem 0; }
.login { max-width:22rem; margin:3rem auto; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; }
@media (max-width: 640px) {
  header.top { padding:.5rem .75rem; }
  form.logout { margin-left:0; }
  main { padding:.75rem; }
  th, td { padding:.4rem; }
  .hide-narrow { display:none; }
}
`;

/**
 * Live lists: the server sends a line per change over server-sent events; a page whose live region
 * cares about that topic fetches itself again and swaps the region in. No polling loop: nothing
 * happens until something changed. Without JavaScript every page still works (it just is not live).
 */
export const LIVE_SCRIPT = `
(function () {
  var regions = document.querySelectorAll('[data-live]');
  if (!regions.length || !window.EventSource) return;
  var pending = null;
  function refresh() {
    pending = null;
    fetch(window.location.href, { headers: { 'X-Wharf-Live': '1' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        regions.forEach(function (region) {
          var fresh = doc.querySelector('[data-live="' + region.getAttribute('data-live') + '"]');
          if (fresh) region.innerHTML = fresh.innerHTML;
        });
        document.dispatchEvent(new CustomEvent('wharf:refreshed'));
      })
      .catch(function () {});
  }
  var topics = {};
  regions.forEach(function (region) {
    region.getAttribute('data-topics').split(' ').forEach(function (t) { topics[t] = true; });
  });
  var source = new EventSource('/ui/events');
  source.addEventListener('change', function (event) {
    var topic = String(event.data).split(' ')[0];
    if (!topics[topic]) return;
    if (pending === null) pending = setTimeout(refresh, 250);
  });
  document.documentElement.setAttribute('data-live-ready', '1');
})();
`;

export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0d1b2a"/><path d="M6 20h20l-3 5H9z" fill="#1f6feb"/><rect x="9" y="12" width="6" height="6" fill="#fff"/><rect x="17" y="9" width="6" height="9" fill="#fff"/></svg>`;
