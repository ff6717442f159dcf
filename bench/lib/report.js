// @ts-check
/**
 * The benchmark's table: each measured row, its ratio against the floors and the naive server, and the
 * issue's targets marked pass/fail. Pure functions over the figures, so they can be tested alone.
 */

/**
 * @typedef {{ rps: number, p50: number, p99: number, errors?: number }} LoadFigure
 * @typedef {{ name: string, max?: LoadFigure, half?: LoadFigure, note?: string }} Row
 * @typedef {{ target: string, measured: string, pass: boolean | undefined }} Verdict
 */

/** @param {number[]} sorted ascending @param {number} q in [0, 1] */
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** @param {number} value */
const ms = (value) => (Number.isFinite(value) ? value.toFixed(2) : '–');
/** @param {number} value */
const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');

/**
 * @param {Record<string, Row>} rows keyed by id
 * @param {{ rssMb?: number, revoke1?: { p50: number, p99: number }, revoke3?: { p50: number, p99: number } }} extra
 * @returns {Verdict[]}
 */
function verdicts(rows, extra) {
  const rps = (/** @type {string} */ id) => rows[id]?.max?.rps ?? NaN;
  /** @param {string} target @param {number} value @param {number} bound @param {'min'|'max'} kind @param {string} text */
  const check = (target, value, bound, kind, text) => ({
    target,
    measured: text,
    pass: Number.isFinite(value) ? (kind === 'min' ? value >= bound : value <= bound) : undefined,
  });
  const live = rps('httpLive') / rps('httpFloor');
  const liveNaive = rps('httpLive') / rps('naiveLive');
  const malformed = rps('httpMalformed') / rps('httpFloor');
  const grpcLive = rps('grpcLive') / rps('grpcFloor');
  const halfP99 = Math.max(rows.httpLive?.half?.p99 ?? NaN, rows.grpcLive?.half?.p99 ?? NaN);
  return [
    check('HTTP live ≥ 0.8× node:http floor', live, 0.8, 'min', ratio(live)),
    check('HTTP live ≥ 3× naive Postgres server', liveNaive, 3, 'min', ratio(liveNaive)),
    check('HTTP malformed ≥ 0.9× node:http floor', malformed, 0.9, 'min', ratio(malformed)),
    check('gRPC live ≥ 0.9× grpc-js floor', grpcLive, 0.9, 'min', ratio(grpcLive)),
    check('live p99 ≤ 2 ms at half the maximum rate (HTTP, gRPC)', halfP99, 2, 'max', `${ms(halfP99)} ms`),
    check(
      'verifier RSS ≤ 200 MB after the load',
      extra.rssMb ?? NaN,
      200,
      'max',
      `${ms(extra.rssMb ?? NaN)} MB`,
    ),
    check(
      'revoke p99 ≤ 50 ms with 3 verifiers',
      extra.revoke3?.p99 ?? NaN,
      50,
      'max',
      `${ms(extra.revoke3?.p99 ?? NaN)} ms`,
    ),
  ];
}

/**
 * @param {Record<string, Row>} rows
 * @param {{ rssMb?: number, revoke1?: { p50: number, p99: number }, revoke3?: { p50: number, p99: number } }} extra
 * @returns {string} the table as Markdown
 */
function renderTable(rows, extra) {
  const floorOf = (/** @type {string} */ id) => (id.startsWith('grpc') ? rows.grpcFloor : rows.httpFloor);
  const lines = [
    '| row | max req/s | p50 ms | p99 ms | errors | × floor | × naive | req/s at half | p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [id, row] of Object.entries(rows)) {
    const floor = floorOf(id)?.max?.rps ?? NaN;
    const naive = id.startsWith('http') && !id.endsWith('Floor') ? (rows.naiveLive?.max?.rps ?? NaN) : NaN;
    const max = row.max;
    const half = row.half;
    lines.push(
      `| ${row.name}${row.note ? ` (${row.note})` : ''} | ${max ? Math.round(max.rps) : '–'} | ${ms(max?.p50 ?? NaN)} | ${ms(max?.p99 ?? NaN)} | ${max?.errors ?? '–'} | ${ratio((max?.rps ?? NaN) / floor)} | ${ratio((max?.rps ?? NaN) / naive)} | ${half ? Math.round(half.rps) : '–'} | ${ms(half?.p50 ?? NaN)} | ${ms(half?.p99 ?? NaN)} |`,
    );
  }
  lines.push('');
  lines.push('| other figure | p50 ms | p99 ms |', '|---|---:|---:|');
  for (const [label, figure] of [
    ['revoke call, 1 verifier', extra.revoke1],
    ['revoke call, 3 verifiers', extra.revoke3],
  ]) {
    const f = /** @type {{ p50: number, p99: number } | undefined} */ (figure);
    lines.push(`| ${label} | ${ms(f?.p50 ?? NaN)} | ${ms(f?.p99 ?? NaN)} |`);
  }
  lines.push(`| verifier RSS after the load | ${ms(extra.rssMb ?? NaN)} MB | |`);
  lines.push('');
  lines.push('| target | measured | verdict |', '|---|---:|---|');
  for (const v of verdicts(rows, extra)) {
    lines.push(
      `| ${v.target} | ${v.measured} | ${v.pass === undefined ? 'not measured' : v.pass ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

module.exports = { quantile, verdicts, renderTable };
