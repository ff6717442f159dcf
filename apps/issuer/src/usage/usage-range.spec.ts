import { DomainError } from '@latchkey/service-runtime';
import { denseSeries, totalsOf, usageRange } from './usage-range';

const now = new Date('2026-12-03T15:42:10.000Z');

describe('usage ranges', () => {
  it('defaults to an hour of minutes, a day of hours, 30 days, ending with the current bucket', () => {
    expect(usageRange({ granularity: 'minute' }, now)).toEqual({
      granularity: 'minute',
      from: new Date('2026-12-03T14:43:00.000Z'),
      to: new Date('2026-12-03T15:43:00.000Z'),
    });
    expect(usageRange({ granularity: 'hour' }, now)).toMatchObject({
      from: new Date('2026-12-02T16:00:00.000Z'),
      to: new Date('2026-12-03T16:00:00.000Z'),
    });
    expect(usageRange({ granularity: 'day' }, now)).toMatchObject({
      from: new Date('2026-11-04T00:00:00.000Z'),
      to: new Date('2026-12-04T00:00:00.000Z'),
    });
  });

  it('aligns a range given to whole buckets', () => {
    expect(
      usageRange({ granularity: 'hour', from: '2026-12-01T10:30:00Z', to: '2026-12-01T12:00:01Z' }, now),
    ).toMatchObject({ from: new Date('2026-12-01T10:00:00.000Z'), to: new Date('2026-12-01T13:00:00.000Z') });
  });

  it.each([
    [
      'an empty range',
      { granularity: 'hour' as const, from: '2026-12-01T10:00:00Z', to: '2026-12-01T10:00:00Z' },
    ],
    [
      'a backwards range',
      { granularity: 'day' as const, from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    ],
    [
      '1441 minutes',
      { granularity: 'minute' as const, from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:01:00Z' },
    ],
    ['745 hours', { granularity: 'hour' as const, from: '2026-11-01T00:00:00Z', to: '2026-12-02T01:00:00Z' }],
    ['732 days', { granularity: 'day' as const, from: '2024-12-01T00:00:00Z', to: '2026-12-03T00:00:00Z' }],
  ])('refuses %s with 400 USAGE_RANGE_INVALID', (_case, query) => {
    const refused = (() => {
      try {
        usageRange(query, now);
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'USAGE_RANGE_INVALID', status: 400 });
  });

  it('accepts the longest ranges', () => {
    expect(() =>
      usageRange({ granularity: 'minute', from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }, now),
    ).not.toThrow();
  });

  it('fills every bucket, zeros included, and sums OK and refusals by reason', () => {
    const range = usageRange(
      { granularity: 'hour', from: '2026-12-01T10:00:00Z', to: '2026-12-01T13:00:00Z' },
      now,
    );
    const buckets = denseSeries(range, [
      { bucket: new Date('2026-12-01T10:00:00Z'), reason: 'OK', count: 5 },
      { bucket: new Date('2026-12-01T12:00:00Z'), reason: 'REVOKED', count: 2 },
      { bucket: new Date('2026-12-01T12:00:00Z'), reason: 'OK', count: 1 },
    ]);
    expect(buckets.map((b) => [b.start, b.ok, b.refused])).toEqual([
      ['2026-12-01T10:00:00.000Z', 5, 0],
      ['2026-12-01T11:00:00.000Z', 0, 0],
      ['2026-12-01T12:00:00.000Z', 1, 2],
    ]);
    expect(totalsOf(buckets)).toEqual({ total: 8, ok: 6, refused: 2, byReason: { OK: 6, REVOKED: 2 } });
  });
});
