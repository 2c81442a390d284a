import { describe, expect, it } from 'vitest'
import { mcnemarExact, mean, meanInterval, pairedDeltaInterval, percentile, stderr, wilsonInterval, zFor } from '../../src/scoring/stats.js'

describe('mean and stderr', () => {
  it.each([
    [[], 0, 0],
    [[5], 5, 0],
    [[1, 2, 3, 4], 2.5, Math.sqrt(5 / 3) / 2],
    [[1, 1, 1], 1, 0],
    [[0, 1], 0.5, 0.5]
  ])('%j → mean %d, stderr %d', (values, m, se) => {
    expect(mean(values)).toBeCloseTo(m, 12)
    expect(stderr(values)).toBeCloseTo(se, 12)
  })
})

describe('zFor', () => {
  // Reference values from Python's statistics.NormalDist().inv_cdf((1 + level) / 2).
  it.each([
    [0.5, 0.6744897501960817],
    [0.8, 1.2815515655446008],
    [0.9, 1.6448536269514715],
    [0.95, 1.9599639845400536],
    [0.99, 2.5758293035489],
    [0.999, 3.2905267314919255],
    [1 - 1e-12, 7.130494613066504]
  ])('%d → %d', (level, z) => {
    expect(zFor(level)).toBeCloseTo(z, 12)
  })

  it.each([0, 1, -0.5, 95, Number.NaN])('rejects level %d', (level) => {
    expect(() => zFor(level)).toThrow(RangeError)
  })
})

describe('wilsonInterval', () => {
  // Reference values: the Wilson formula evaluated in Python.
  it.each([
    [8, 10, 0.95, 0.4901625, 0.9433178],
    [0, 10, 0.95, 0, 0.2775328],
    [10, 10, 0.95, 0.7224672, 1],
    [50, 100, 0.95, 0.4038315, 0.5961685],
    [1, 1, 0.95, 0.2065493, 1],
    [8, 10, 0.9, 0.5407928, 0.9314420]
  ])('%d/%d at %d → [%d, %d]', (successes, n, level, low, high) => {
    const interval = wilsonInterval(successes, n, level)
    expect(interval.low).toBeCloseTo(low, 6)
    expect(interval.high).toBeCloseTo(high, 6)
  })

  it('the brief example: 8/10 → [0.490, 0.943]', () => {
    const { low, high } = wilsonInterval(8, 10)
    expect([Number(low.toFixed(3)), Number(high.toFixed(3))]).toEqual([0.49, 0.943])
  })

  it('no trials: zeros', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 0 })
  })
})

describe('meanInterval', () => {
  it('uses Wilson for 0/1 data', () => {
    expect(meanInterval([1, 1, 1, 1, 1, 1, 1, 1, 0, 0])).toEqual(wilsonInterval(8, 10))
  })

  it('normal approximation otherwise (reference: Python statistics)', () => {
    const { low, high } = meanInterval([0.5, 0.7, 0.9])
    expect(low).toBeCloseTo(0.47368285318476566, 12)
    expect(high).toBeCloseTo(0.9263171468152342, 12)
  })

  it('clamps to [0, 1] for fractions, not for other data', () => {
    expect(meanInterval([0.1, 0.9, 0.95, 0.99])).toMatchObject({ high: 1 })
    expect(meanInterval([0.01, 0.02, 0.5]).low).toBe(0)
    expect(meanInterval([-5, 5]).low).toBeLessThan(-5)
  })

  it('empty and single values', () => {
    expect(meanInterval([])).toEqual({ low: 0, high: 0 })
    expect(meanInterval([0.4])).toEqual({ low: 0.4, high: 0.4 })
  })
})

describe('percentile (linear interpolation, numpy default)', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]
  it.each([
    [[1, 2, 3, 4], 50, 2.5],
    [ten, 0, 1],
    [ten, 100, 10],
    [ten, 50, 5.5],
    [ten, 95, 9.55],
    [ten, 25, 3.25],
    [[7], 95, 7],
    [[], 50, 0],
    [[1, Number.NaN, 3], 50, 2],
    [[1, 2], 150, 2],
    [[1, 2], -5, 1]
  ])('%j at %d → %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 12)
  })

  it('does not reorder its input', () => {
    const values = [3, 1, 2]
    percentile(values, 50)
    expect(values).toEqual([3, 1, 2])
  })
})

describe('mcnemarExact', () => {
  // Reference values: exact sums with Python integers, 2 * sum(C(n, i), i <= min(b, c)) / 2^n.
  it.each([
    [10, 2, 0.03857421875],
    [2, 10, 0.03857421875],
    [0, 5, 0.0625],
    [1, 9, 0.021484375],
    [30, 60, 0.002060265680963076],
    [2000, 2100, 0.12206497999113813],
    [1500, 1700, 0.00043334035939975035],
    [4990, 5010, 0.8493103266373204]
  ])('b=%d c=%d → %d', (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 10)
    // Relative accuracy matters for small p-values.
    expect(Math.abs(mcnemarExact(b, c) - p) / p).toBeLessThan(1e-9)
  })

  it.each([
    [0, 0],
    [7, 7],
    [5000, 5000],
    [3, 4]
  ])('b=%d c=%d → 1', (b, c) => {
    expect(mcnemarExact(b, c)).toBe(1)
  })

  it('stays finite for very lopsided large samples', () => {
    const p = mcnemarExact(0, 20000)
    expect(Number.isFinite(p)).toBe(true)
    expect(p).toBeGreaterThanOrEqual(0)
    expect(p).toBeLessThan(1e-300)
  })
})

describe('pairedDeltaInterval', () => {
  it('mean ± z·stderr (reference: Python statistics)', () => {
    const { mean: m, low, high } = pairedDeltaInterval([0.1, -0.1, 0.3, 0.1])
    expect(m).toBeCloseTo(0.1, 12)
    expect(low).toBeCloseTo(-0.06003038921184364, 12)
    expect(high).toBeCloseTo(0.2600303892118436, 12)
  })

  it('empty, single and constant differences', () => {
    expect(pairedDeltaInterval([])).toEqual({ mean: 0, low: 0, high: 0 })
    expect(pairedDeltaInterval([1])).toEqual({ mean: 1, low: 1, high: 1 })
    expect(pairedDeltaInterval([0, 0, 0])).toEqual({ mean: 0, low: 0, high: 0 })
  })

  it('clamps to [-1, 1] for score differences', () => {
    expect(pairedDeltaInterval([1, -1]).low).toBe(-1)
    expect(pairedDeltaInterval([1, -1]).high).toBe(1)
  })
})
