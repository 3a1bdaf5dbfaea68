// The progress panel: counts, a bar, elapsed and estimated time, the recent rate, progress per model × workload
// × load, failures by kind with their reasons, and the machines of a distributed study.
import { escapeHtml, formatDuration, formatNumber } from './format.js';

export function createProgress(element) {
  let latest = null;
  let receivedAtMs = 0;
  const timer = setInterval(() => tick(), 1000);

  function render(progress) {
    // Panels the reader closed stay closed across updates.
    const closed = new Set([...element.querySelectorAll('details:not([open]) > summary')].map((summary) => summary.textContent));
    latest = progress;
    receivedAtMs = Date.now();
    const done = progress.completed + progress.failed;
    const share = progress.planned > 0 ? done / progress.planned : 0;
    element.innerHTML = `
      <div class="counts">
        ${count('planned', progress.planned)}${count('running', progress.running)}${count('completed', progress.completed)}
        ${count('failed', progress.failed)}${count('valid', progress.valid)}${count('invalid', progress.invalid)}${count('pending', progress.pending)}
      </div>
      <div class="bar" role="progressbar" aria-valuenow="${Math.round(share * 100)}" aria-valuemin="0" aria-valuemax="100">
        <span class="valid" style="width:${pct(progress.valid, progress.planned)}"></span><span class="invalid" style="width:${pct(progress.invalid, progress.planned)}"></span><span class="failed" style="width:${pct(progress.failed, progress.planned)}"></span><span class="running" style="width:${pct(progress.running, progress.planned)}"></span>
      </div>
      <p class="times">
        <span>elapsed <strong data-field="elapsed"></strong></span>
        <span>estimated remaining <strong data-field="remaining">${progress.remainingMs === null ? '–' : formatDuration(progress.remainingMs)}</strong></span>
        <span><strong data-field="rate">${progress.trialsPerMinute === null ? '–' : formatNumber(progress.trialsPerMinute)}</strong> trials per minute (recent)</span>
        ${progress.running === 0 && done < progress.planned ? '<span class="idle">no trial is running now</span>' : ''}
      </p>
      ${contextsTable(progress.contexts)}
      ${failuresBlock(progress.failures)}
      ${machinesTable(progress.machines)}`;
    for (const summary of element.querySelectorAll('details > summary')) if (closed.has(summary.textContent)) summary.parentElement.open = false;
    tick();
  }

  function tick() {
    if (!latest) return;
    const field = element.querySelector('[data-field="elapsed"]');
    const ageMs = latest.running > 0 ? Date.now() - receivedAtMs : 0;
    if (field) field.textContent = formatDuration(latest.elapsedMs + ageMs);
  }

  return { render, stop: () => clearInterval(timer) };
}

function count(name, value) {
  return `<div class="count ${name}"><span class="value" data-count="${name}">${value}</span><span class="label">${name}</span></div>`;
}

function pct(value, total) {
  return `${total > 0 ? (100 * value) / total : 0}%`;
}

function contextsTable(contexts) {
  if (contexts.length === 0) return '';
  const rows = contexts
    .map((c) => `<tr><td>${escapeHtml(c.model)}</td><td>${escapeHtml(c.workload)}</td><td>${escapeHtml(c.load)}</td><td class="num">${c.planned}</td><td class="num">${c.running}</td><td class="num">${c.completed}</td><td class="num">${c.failed}</td><td class="num">${c.valid}</td></tr>`)
    .join('');
  return `<details open><summary>Per model × workload × load</summary><table class="compact"><thead><tr><th>model</th><th>workload</th><th>load</th><th class="num">planned</th><th class="num">running</th><th class="num">completed</th><th class="num">failed</th><th class="num">valid</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

function failuresBlock(failures) {
  if (failures.length === 0) return '';
  const items = failures
    .map((group) => `<li><strong>${group.count} ${escapeHtml(group.kind)}</strong><ul>${group.reasons.map(reasonItem).join('')}</ul></li>`)
    .join('');
  return `<details open class="failures"><summary>Failures and invalid trials by kind</summary><ul>${items}</ul></details>`;
}

/** A reason code of invalid trials with an example message, or a failure reason. */
function reasonItem(entry) {
  const code = entry.code && entry.code !== 'unclassified' ? `<code>${escapeHtml(entry.code)}</code> e.g. ` : '';
  return `<li>${entry.count}× ${code}${escapeHtml(entry.reason)}</li>`;
}

function machinesTable(machines) {
  if (machines.length === 0) return '';
  const rows = machines
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.machine)}</td><td>${escapeHtml(m.cpuModel ?? '')}${m.cores ? ` (${m.cores} cores)` : ''}</td><td class="num">${m.completed}</td><td class="num">${m.failed}</td>` +
        `<td>${m.lastTrial ? `<a href="#trial/${encodeURIComponent(m.lastTrial.id)}">${escapeHtml(m.lastTrial.label)}</a> at ${escapeHtml(new Date(m.lastTrial.finishedAt).toLocaleTimeString())}` : '–'}</td></tr>`,
    )
    .join('');
  return `<details open><summary>Machines</summary><table class="compact"><thead><tr><th>machine</th><th>CPU</th><th class="num">completed</th><th class="num">failed</th><th>last trial finished</th></tr></thead><tbody>${rows}</tbody></table><p class="note">A worker runs one configuration's trials at a time; the trial it is running now is recorded when it finishes.</p></details>`;
}
