// @ts-check
const { parseOptions } = require('./options');
const { quantile, renderTable, verdicts } = require('./report');

describe('bench options', () => {
  it('defaults to 10 s per row and 2 s with --quick', () => {
    expect(parseOptions([])).toMatchObject({ duration: 10, connections: 50, revokes: 50, build: true });
    expect(parseOptions(['--quick'])).toMatchObject({ duration: 2, revokes: 20 });
    expect(parseOptions(['--quick', '--duration', '5', '--no-build'])).toMatchObject({
      duration: 5,
      build: false,
    });
  });

  it('refuses what is not a whole number in range, and unknown options', () => {
    expect(() => parseOptions(['--duration', '0'])).toThrow(
      '--duration must be a whole number from 1 to 600',
    );
    expect(() => parseOptions(['--connections', 'many'])).toThrow('--connections');
    expect(() => parseOptions(['--durations', '3'])).toThrow();
  });
});

describe('bench report', () => {
  const figure = (rps, p99 = 1) => ({ rps, p50: p99 / 2, p99, errors: 0 });
  const rows = {
    httpFloor: { name: 'HTTP floor', max: figure(10_000) },
    naiveLive: { name: 'naive', max: figure(2_000) },
    httpLive: { name: 'live', max: figure(8_000), half: figure(4_000, 1.5) },
    httpMalformed: { name: 'malformed', max: figure(8_500) },
    grpcFloor: { name: 'gRPC floor', max: figure(5_000) },
    grpcLive: { name: 'gRPC live', max: figure(4_600), half: figure(2_300, 2.5) },
  };

  it('takes the nearest-rank quantile', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('marks each target against the floors and the naive server', () => {
    const byTarget = Object.fromEntries(
      verdicts(rows, { rssMb: 150, revoke3: { p50: 10, p99: 60 } }).map((v) => [v.target, v]),
    );
    expect(byTarget['HTTP live ≥ 0.8× node:http floor']).toEqual(
      expect.objectContaining({ measured: '0.80×', pass: true }),
    );
    expect(byTarget['HTTP live ≥ 3× naive Postgres server']).toEqual(
      expect.objectContaining({ measured: '4.00×', pass: true }),
    );
    expect(byTarget['HTTP malformed ≥ 0.9× node:http floor'].pass).toBe(false);
    expect(byTarget['gRPC live ≥ 0.9× grpc-js floor'].pass).toBe(true);
    expect(byTarget['live p99 ≤ 2 ms at half the maximum rate (HTTP, gRPC)']).toEqual(
      expect.objectContaining({ measured: '2.50 ms', pass: false }),
    );
    expect(byTarget['verifier RSS ≤ 200 MB after the load'].pass).toBe(true);
    expect(byTarget['revoke p99 ≤ 50 ms with 3 verifiers'].pass).toBe(false);
  });

  it('says "not measured" rather than pass or fail for a missing figure', () => {
    const table = renderTable({ httpFloor: rows.httpFloor }, {});
    expect(table).toContain('| HTTP live ≥ 0.8× node:http floor | – | not measured |');
    expect(table).not.toMatch(/\| (pass|FAIL) \|/);
  });
});
