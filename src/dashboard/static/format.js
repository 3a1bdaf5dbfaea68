// Formatting for the page: numbers to about three significant digits, durations, HTML escaping.

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function formatNumber(value, digits = 3) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1);
  if (magnitude >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(digits)));
}

/** "mean [low, high]" with the repetitions behind it; the mean alone with one repetition. */
export function formatInterval(summary) {
  if (!summary) return '';
  const mean = formatNumber(summary.mean);
  if (summary.low === null || summary.high === null) return `${mean} (n=${summary.n})`;
  return `${mean} [${formatNumber(summary.low)}, ${formatNumber(summary.high)}] (n=${summary.n})`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function configurationLabel(knobs, order = []) {
  const names = [...order.filter((name) => name in knobs), ...Object.keys(knobs).filter((name) => !order.includes(name)).sort()];
  return names.map((name) => `${name}=${knobs[name]}`).join(', ');
}

export function metricHeader(study, metric) {
  const info = study.metrics[metric];
  return info ? `${info.label} (${info.unit})` : metric;
}
