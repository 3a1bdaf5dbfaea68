// Compare: two or more configurations side by side in every environment (model · workload · load), each
// objective as the configuration's mean with its 95% interval over the valid repetitions; the best in bold.
import { configurationLabel, escapeHtml, formatInterval, metricHeader } from './format.js';

export function renderCompare(element, study, rows, selected) {
  if (selected.size < 2) {
    element.hidden = selected.size === 0;
    element.innerHTML = selected.size === 1 ? '<p class="note">Pick one more configuration (the boxes in the table) to compare.</p>' : '';
    return;
  }
  element.hidden = false;
  const configs = [...selected];
  const knobsOf = new Map();
  const byCell = new Map();
  const environments = [];
  for (const row of rows) {
    if (!selected.has(row.config)) continue;
    knobsOf.set(row.config, row.knobs);
    const environment = [row.model, row.workload, row.load, row.machine].filter(Boolean).join(' · ');
    if (!environments.includes(environment)) environments.push(environment);
    const key = `${environment}\u0000${row.config}`;
    // The configuration's summary is the same on each of its valid rows; a row without one says what happened.
    if (row.summary || !byCell.has(key)) byCell.set(key, row);
  }
  const objectives = study.objectives;
  const header = `<tr><th>environment</th><th>objective</th>${configs.map((config, index) => `<th title="${escapeHtml(configurationLabel(knobsOf.get(config) ?? {}, study.knobs))}">#${index + 1}</th>`).join('')}</tr>`;
  const body = environments
    .flatMap((environment) =>
      objectives.map((objective, index) => {
        const cells = configs.map((config) => byCell.get(`${environment}\u0000${config}`));
        const means = cells.map((row) => row?.summary?.[objective.metric]?.mean);
        const finite = means.filter((mean) => typeof mean === 'number');
        const best = finite.length > 1 ? (objective.direction === 'max' ? Math.max(...finite) : Math.min(...finite)) : undefined;
        return (
          `<tr>${index === 0 ? `<th rowspan="${objectives.length}">${escapeHtml(environment)}</th>` : ''}<td>${escapeHtml(metricHeader(study, objective.metric))}</td>` +
          cells
            .map((row, column) => {
              if (!row) return '<td class="missing">not measured</td>';
              const summary = row.summary?.[objective.metric];
              if (!summary) return `<td class="missing">${escapeHtml(row.verdict)}</td>`;
              return `<td class="num${means[column] === best ? ' best' : ''}">${escapeHtml(formatInterval(summary))}</td>`;
            })
            .join('') +
          '</tr>'
        );
      }),
    )
    .join('');
  const legend = configs.map((config, index) => `<li><strong>#${index + 1}</strong> <code>${escapeHtml(configurationLabel(knobsOf.get(config) ?? {}, study.knobs))}</code></li>`).join('');
  element.innerHTML = `<h2>Compare ${configs.length} configurations <button data-action="clear-compare">clear</button></h2><ol class="legend">${legend}</ol><table class="compare"><thead>${header}</thead><tbody>${body}</tbody></table>`;
}
