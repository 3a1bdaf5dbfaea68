/** The HTML page's stylesheet and the script that turns each static figure into an interactive Vega view. */

export const PAGE_CSS = `
:root { color-scheme: light; }
body { font: 15px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2430; margin: 0; background: #fafbfc; }
header, main, nav { max-width: 1120px; margin: 0 auto; padding: 0 28px; }
header { padding-top: 28px; }
h1 { font-size: 28px; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 42px 0 12px; padding-top: 8px; border-top: 1px solid #e3e7ec; }
h3 { font-size: 16px; margin: 24px 0 8px; }
.subtitle { color: #4a5565; margin: 0; }
.generated { color: #6b7685; font-size: 13px; }
nav.toc { font-size: 14px; columns: 2; margin-top: 8px; }
nav.toc ol { margin: 0; }
table { border-collapse: collapse; margin: 12px 0; font-size: 13px; background: white; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #dde2e8; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f4f7; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-caption { font-size: 13px; color: #4a5565; font-style: italic; margin-top: -6px; }
code { font: 12.5px/1.4 ui-monospace, Menlo, Consolas, monospace; background: #eef1f4; padding: 1px 4px; border-radius: 3px; }
pre { background: #f1f4f7; border: 1px solid #dde2e8; border-radius: 4px; padding: 10px 12px; overflow-x: auto; }
pre code { background: none; padding: 0; }
.code-label { font-size: 12px; color: #6b7685; margin-bottom: -8px; }
.callout { border-left: 4px solid #e0a100; background: #fff8e6; padding: 8px 14px; margin: 12px 0; }
figure { margin: 18px 0 24px; background: white; border: 1px solid #e3e7ec; border-radius: 4px; padding: 12px; overflow-x: auto; }
figcaption { font-size: 13px; color: #4a5565; margin-top: 8px; }
#servelab-tooltip { position: fixed; display: none; pointer-events: none; z-index: 10; background: rgba(255,255,255,0.97);
  border: 1px solid #b8c2cc; border-radius: 4px; padding: 6px 8px; font-size: 12px; box-shadow: 0 2px 8px rgba(0,0,0,0.15); max-width: 420px; }
#servelab-tooltip table { margin: 0; border: none; display: table; }
#servelab-tooltip th, #servelab-tooltip td { border: none; padding: 1px 6px 1px 0; background: none; }
#servelab-tooltip th { color: #4a5565; font-weight: normal; white-space: nowrap; }
`;

/**
 * Runs in the page: renders each figure's compiled Vega spec with the inlined Vega runtime, replacing the
 * static SVG, and shows tooltips (the configuration behind a point) in a small table.
 */
export const BOOT_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('servelab-figures').textContent);
  var tip = document.createElement('div');
  tip.id = 'servelab-tooltip';
  document.body.appendChild(tip);
  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
  }
  function cell(key, value) {
    var text = escapeHtml(value);
    if (key === 'configuration') text = text.split(', ').join('<br>');
    return '<tr><th>' + escapeHtml(key) + '</th><td>' + text + '</td></tr>';
  }
  function tooltip(handler, event, item, value) {
    if (value === undefined || value === null || value === '') { tip.style.display = 'none'; return; }
    tip.innerHTML = typeof value === 'object'
      ? '<table>' + Object.keys(value).map(function (key) { return cell(key, value[key]); }).join('') + '</table>'
      : escapeHtml(value);
    tip.style.display = 'block';
    var x = event.clientX + 14, y = event.clientY + 14;
    if (x + tip.offsetWidth > window.innerWidth - 8) x = event.clientX - tip.offsetWidth - 14;
    if (y + tip.offsetHeight > window.innerHeight - 8) y = event.clientY - tip.offsetHeight - 14;
    tip.style.left = Math.max(4, x) + 'px';
    tip.style.top = Math.max(4, y) + 'px';
  }
  var status = { total: 0, interactive: 0, failed: [] };
  window.servelabFigures = status;
  var containers = document.querySelectorAll('.vega-figure');
  status.total = containers.length;
  var pending = Array.prototype.map.call(containers, function (container) {
    var id = container.getAttribute('data-figure');
    var spec = specs[id];
    if (!spec) { status.failed.push(id); return Promise.resolve(); }
    var view = new vega.View(vega.parse(spec), { renderer: 'svg', hover: true });
    view.tooltip(tooltip);
    var target = document.createElement('div');
    return view.initialize(target).runAsync().then(function () {
      container.replaceChildren(target);
      container.setAttribute('data-rendered', 'interactive');
      status.interactive += 1;
    }, function (error) {
      status.failed.push(id);
      console.error('figure ' + id + ' could not be rendered interactively: ' + error);
    });
  });
  Promise.all(pending).then(function () { document.body.setAttribute('data-figures-ready', 'true'); });
})();
`;
