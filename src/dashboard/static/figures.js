// Live figures: each analysis brings compiled Vega specs (the report's figures); each is drawn with the Vega
// runtime into its own box, replacing the previous view, one figure at a time so the page stays responsive.
import { escapeHtml } from './format.js';

/** Thousands of marks draw many times faster on a canvas than as SVG elements. */
const CANVAS_ABOVE_POINTS = 1500;

function dataPoints(spec) {
  return (spec.data ?? []).reduce((total, data) => total + (Array.isArray(data.values) ? data.values.length : 0), 0);
}

export function createFigures({ list, notes, tooltip }) {
  const views = new Map();
  let drawing = Promise.resolve();

  function show(analysis) {
    drawing = drawing.then(() => draw(analysis)).catch((error) => console.warn(`a figure could not be drawn: ${error}`));
    return drawing;
  }

  async function draw(analysis) {
    notes.innerHTML = analysis.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
    const wanted = new Set(analysis.figures.map((figure) => figure.id));
    for (const [id, entry] of views) {
      if (wanted.has(id)) continue;
      entry.view.finalize();
      entry.box.remove();
      views.delete(id);
    }
    for (const figure of analysis.figures) {
      let entry = views.get(figure.id);
      if (entry && entry.revision === figure.revision) continue;
      if (!entry) {
        const box = document.createElement('figure');
        box.className = 'figure';
        box.dataset.figureId = figure.id;
        box.innerHTML = '<div class="plot"></div><figcaption></figcaption>';
        list.appendChild(box);
        entry = { box, view: null, revision: null };
        views.set(figure.id, entry);
      }
      entry.box.querySelector('figcaption').textContent = figure.caption;
      const target = document.createElement('div');
      const view = new vega.View(vega.parse(figure.vegaSpec), { renderer: dataPoints(figure.vegaSpec) > CANVAS_ABOVE_POINTS ? 'canvas' : 'svg', hover: true });
      view.tooltip(tooltip);
      await view.initialize(target).runAsync();
      entry.view?.finalize();
      entry.view = view;
      entry.revision = figure.revision;
      entry.box.querySelector('.plot').replaceChildren(target);
      entry.box.dataset.rendered = figure.revision;
      // Let the browser handle input between figures.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // Figures that appear later (effects, transfer) take their place in the analysis' order.
    for (const figure of analysis.figures) list.appendChild(views.get(figure.id).box);
    document.body.dataset.figuresVersion = String(analysis.version);
  }

  return { show };
}

/** A tooltip handler for Vega views: the configuration behind a point, in a small table. */
export function createTooltip(element) {
  return (handler, event, item, value) => {
    if (value === undefined || value === null || value === '') {
      element.style.display = 'none';
      return;
    }
    element.innerHTML =
      typeof value === 'object'
        ? `<table>${Object.entries(value)
            .map(([key, text]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(text).split(', ').join('<br>')}</td></tr>`)
            .join('')}</table>`
        : escapeHtml(value);
    element.style.display = 'block';
    let x = event.clientX + 14;
    let y = event.clientY + 14;
    if (x + element.offsetWidth > window.innerWidth - 8) x = event.clientX - element.offsetWidth - 14;
    if (y + element.offsetHeight > window.innerHeight - 8) y = event.clientY - element.offsetHeight - 14;
    element.style.left = `${Math.max(4, x)}px`;
    element.style.top = `${Math.max(4, y)}px`;
  };
}
