import { describe, expect, it } from 'vitest'
import { formatDelta, formatInterval, formatLevel, formatMetric, formatPValue } from '../../src/report/format.js'
import type { MetricKind } from '../../src/scoring/metrics.js'

describe('formatMetric', () => {
  it.each<{ value: number | null | undefined; kind: MetricKind; out: string }>([
    { value: 0.6058, kind: 'fraction', out: '60.6%' },
    { value: 1, kind: 'fraction', out: '100.0%' },
    { value: 0, kind: 'fraction', out: '0.0%' },
    { value: 412.4, kind: 'ms', out: '412 ms' },
    { value: 999.4, kind: 'ms', out: '999 ms' },
    { value: 1234, kind: 'ms', out: '1.2 s' },
    { value: 61_000, kind: 'ms', out: '61.0 s' },
    { value: 950, kind: 'tokens', out: '950' },
    { value: 12_345, kind: 'tokens', out: '12.3k' },
    { value: 999_960, kind: 'tokens', out: '1.0M' },
    { value: 1_250_000, kind: 'tokens', out: '1.3M' },
    { value: 0.0123, kind: 'usd', out: '$0.0123' },
    { value: 12.5, kind: 'usd', out: '$12.50' },
    { value: 1234.567, kind: 'usd', out: '$1,234.57' },
    { value: 0, kind: 'usd', out: '$0.00' },
    { value: 0.00001, kind: 'usd', out: '<$0.0001' },
    { value: 4.25, kind: 'seconds', out: '4.3s' },
    { value: 42, kind: 'seconds', out: '42s' },
    { value: 65, kind: 'seconds', out: '1m 05s' },
    { value: 3599.6, kind: 'seconds', out: '1h 00m' },
    { value: 3725, kind: 'seconds', out: '1h 02m' },
    { value: 1234, kind: 'count', out: '1,234' },
    { value: 1234567.891, kind: 'count', out: '1,234,567.89' },
    { value: -5, kind: 'count', out: '-5' },
    { value: null, kind: 'fraction', out: 'n/a' },
    { value: undefined, kind: 'ms', out: 'n/a' },
    { value: Number.NaN, kind: 'count', out: 'n/a' },
    { value: Number.POSITIVE_INFINITY, kind: 'usd', out: 'n/a' }
  ])('$value as $kind → $out', ({ value, kind, out }) => {
    expect(formatMetric(value, kind)).toBe(out)
  })

  it('takes the number of decimals for percentages', () => {
    expect(formatMetric(0.6058, 'fraction', { digits: 0 })).toBe('61%')
    expect(formatMetric(0.6058, 'fraction', { digits: 2 })).toBe('60.58%')
  })
})

describe('formatDelta', () => {
  it.each<{ delta: number | null; kind: MetricKind; out: string }>([
    { delta: 0.012, kind: 'fraction', out: '+1.2 pp' },
    { delta: -0.031, kind: 'fraction', out: '-3.1 pp' },
    { delta: -0.0004, kind: 'fraction', out: '±0.0 pp' },
    { delta: 0, kind: 'fraction', out: '±0.0 pp' },
    { delta: 120, kind: 'ms', out: '+120 ms' },
    { delta: -1500, kind: 'ms', out: '-1.5 s' },
    { delta: 0.2, kind: 'ms', out: '±0 ms' },
    { delta: -0.0012, kind: 'usd', out: '-$0.0012' },
    { delta: 0, kind: 'usd', out: '±$0.00' },
    { delta: 1234, kind: 'tokens', out: '+1.2k' },
    { delta: 65, kind: 'seconds', out: '+1m 05s' },
    { delta: -3, kind: 'count', out: '-3' },
    { delta: null, kind: 'fraction', out: 'n/a' }
  ])('$delta as $kind → $out', ({ delta, kind, out }) => {
    expect(formatDelta(delta, kind)).toBe(out)
  })
})

describe('formatInterval', () => {
  it.each([
    { args: [{ low: 0.571, high: 0.64 }, 'fraction', {}] as const, out: '57.1% to 64.0%' },
    { args: [{ low: 0.571, high: 0.64 }, 'fraction', { level: 0.95 }] as const, out: '95% CI 57.1% to 64.0%' },
    { args: [{ low: -0.05, high: -0.012 }, 'fraction', { delta: true, level: 0.9 }] as const, out: '90% CI -5.0 pp to -1.2 pp' },
    { args: [{ low: 300, high: 1200 }, 'ms', {}] as const, out: '300 ms to 1.2 s' },
    { args: [null, 'fraction', {}] as const, out: 'n/a' },
    { args: [{ low: Number.NaN, high: 1 }, 'fraction', {}] as const, out: 'n/a' }
  ])('→ $out', ({ args, out }) => {
    expect(formatInterval(args[0], args[1], args[2])).toBe(out)
  })
})

describe('formatLevel and formatPValue', () => {
  it.each([
    [0.95, '95%'],
    [0.995, '99.5%']
  ])('level %s → %s', (level, out) => {
    expect(formatLevel(level)).toBe(out)
  })

  it.each([
    [0.012, 'p = 0.012'],
    [0.0504, 'p = 0.0504'],
    [0.0004, 'p < 0.001'],
    [0.453125, 'p = 0.45'],
    [1, 'p = 1.00'],
    [null, 'p = n/a']
  ])('p %s → %s', (p, out) => {
    expect(formatPValue(p)).toBe(out)
  })
})
