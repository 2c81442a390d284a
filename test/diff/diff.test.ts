import { describe, expect, it } from 'vitest'
import { acknowledge, diffRuns } from '../../src/diff/diff.js'
import type { GateOptions, Verdict } from '../../src/diff/types.js'
import { ValidationError } from '../../src/errors.js'
import { makePair, makeRecord, makeRun } from './fixtures.js'

const gate: GateOptions = { maxDrop: 2, alpha: 0.05 }

describe('diffRuns verdicts', () => {
  // Base: 100 cases, 50 passing. b = pass→fail, c = fail→pass. Exact two-sided McNemar p-values:
  // (20,0) 2·0.5^20; (8,1) 20/512 = 0.039; (6,0) 2/64 = 0.031; (5,0) 2/32 = 0.0625;
  // (5,2) 58/128 = 0.453; (30,25) 0.590.
  const table: Array<{ name: string; b: number; c: number; opts?: Partial<GateOptions>; verdict: Verdict; p: number; reason: RegExp }> = [
    { name: 'large significant drop', b: 20, c: 0, verdict: 'regressed', p: 2 * 0.5 ** 20, reason: /^score dropped 20\.0 points \(50\.0% → 30\.0%\), p < 0\.001 < 0\.05$/ },
    { name: 'drop 7 points, p = 0.039', b: 8, c: 1, verdict: 'regressed', p: 20 / 512, reason: /^score dropped 7\.0 points \(50\.0% → 43\.0%\), p = 0\.0391 < 0\.05$/ },
    { name: 'same drop at a stricter alpha', b: 8, c: 1, opts: { alpha: 0.01 }, verdict: 'pass', p: 20 / 512, reason: /not significant/ },
    { name: 'drop 6 points, p = 0.031', b: 6, c: 0, verdict: 'regressed', p: 2 / 64, reason: /p = 0\.0313 < 0\.05/ },
    { name: 'drop 5 points, p = 0.0625 is not significant', b: 5, c: 0, verdict: 'pass', p: 0.0625, reason: /but p = 0\.0625 ≥ 0\.05: not significant/ },
    { name: 'drop 3 points on churn', b: 5, c: 2, verdict: 'pass', p: 58 / 128, reason: /not significant/ },
    { name: 'drop 5 points on heavy churn', b: 30, c: 25, verdict: 'pass', p: 0.5901, reason: /not significant/ },
    { name: 'significant but within maxDrop', b: 6, c: 0, opts: { maxDrop: 10 }, verdict: 'pass', p: 2 / 64, reason: /within the allowed 10 points/ },
    { name: 'improvement', b: 0, c: 10, verdict: 'pass', p: 2 * 0.5 ** 10, reason: /^score rose 10\.0 points \(50\.0% → 60\.0%\)$/ },
    { name: 'no change at all', b: 0, c: 0, verdict: 'pass', p: 1, reason: /^score unchanged at 50\.0%$/ },
    { name: 'floor breached without any drop', b: 0, c: 0, opts: { minScore: 0.6 }, verdict: 'regressed', p: 1, reason: /^score 50\.0% is below the minimum of 60\.0%$/ },
    { name: 'floor met', b: 0, c: 0, opts: { minScore: 0.5 }, verdict: 'pass', p: 1, reason: /unchanged/ }
  ]
  it.each(table)('$name → $verdict', ({ b, c, opts, verdict, p, reason }) => {
    const { base, head } = makePair({ n: 100, basePass: 50, regress: b, fix: c })
    const diff = diffRuns(base, head, { ...gate, ...opts })
    expect(diff.verdict).toBe(verdict)
    expect(diff.pValue).toBeCloseTo(p, 3)
    expect(diff.regressed).toHaveLength(b)
    expect(diff.fixed).toHaveLength(c)
    expect(diff.reasons.some((r) => reason.test(r))).toBe(true)
    expect(diff.acknowledged).toBeNull()
  })

  it('does not fail a drop of exactly maxDrop points despite float error (60% → 58%)', () => {
    const { base, head } = makePair({ n: 100, basePass: 60, regress: 2, fix: 0 })
    expect((base.scores.score ?? 0) - (head.scores.score ?? 0)).toBeGreaterThan(0.02) // the float trap is real
    const diff = diffRuns(base, head, { maxDrop: 2, alpha: 1 })
    expect(diff.verdict).toBe('pass')
  })

  it('uses scores.json, not the records, for the headline score', () => {
    const { base, head } = makePair({ n: 10, basePass: 5, regress: 0, fix: 0 })
    head.scores.score = 0.3
    const diff = diffRuns(base, head, gate)
    expect(diff.headScore).toBe(0.3)
    expect(diff.reasons[0]).toMatch(/^score dropped 20\.0 points \(50\.0% → 30\.0%\), but p = 1\.00 ≥ 0\.05/)
  })
})

describe('diffRuns special cases', () => {
  it('no baseline: verdict no-baseline, head metrics only', () => {
    const { head } = makePair({ n: 10, basePass: 6, regress: 0, fix: 0 })
    const diff = diffRuns(null, head, gate)
    expect(diff.verdict).toBe('no-baseline')
    expect(diff.reasons).toEqual(['no baseline to compare with; head score 60.0%'])
    expect(diff.base).toBeNull()
    expect(diff.pValue).toBeNull()
    expect(diff.pairedDelta).toBeNull()
    expect(diff.unpaired).toEqual({ onlyInBase: 0, onlyInHead: 10 })
    expect(diff.metrics.find((m) => m.key === 'score')).toMatchObject({ base: null, head: 0.6, delta: null, direction: 'unknown' })
  })

  it('no baseline but below the floor: regressed', () => {
    const { head } = makePair({ n: 10, basePass: 4, regress: 0, fix: 0 })
    const diff = diffRuns(null, head, { ...gate, minScore: 0.5 })
    expect(diff.verdict).toBe('regressed')
    expect(diff.reasons).toContain('score 40.0% is below the minimum of 50.0%')
  })

  it('hash mismatch is an error unless allowed', () => {
    const { base, head } = makePair({ n: 100, basePass: 50, regress: 20, fix: 0 })
    head.info.environment.hash = 'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    const strict = diffRuns(base, head, gate)
    expect(strict.verdict).toBe('error')
    expect(strict.hashMismatch).toBe(true)
    expect(strict.reasons[0]).toMatch(/^environment hash changed \(aaaaaaaaaaaa → bbbbbbbbbbbb\): .* not comparable/)
    // Everything else is still computed for the report.
    expect(strict.regressed).toHaveLength(20)

    const allowed = diffRuns(base, head, { ...gate, allowHashMismatch: true })
    expect(allowed.verdict).toBe('regressed')
    expect(allowed.hashMismatch).toBe(true)
    expect(allowed.reasons[0]).toMatch(/compared anyway/)
  })

  it('same hash: no mismatch', () => {
    const { base, head } = makePair({ n: 10, basePass: 5, regress: 0, fix: 0 })
    expect(diffRuns(base, head, gate).hashMismatch).toBe(false)
  })

  it.each([
    { name: 'only errors', records: [makeRecord({ id: 'a', status: 'error' }), makeRecord({ id: 'b', status: 'error' })], reason: /all 2 cases of the head run errored/ },
    { name: 'no cases', records: [], reason: /no cases/ }
  ])('head with $name: error, even without a baseline', ({ records, reason }) => {
    const head = makeRun(records)
    for (const base of [null, makeRun([makeRecord({ id: 'a' }), makeRecord({ id: 'b' })])]) {
      const diff = diffRuns(base, head, gate)
      expect(diff.verdict).toBe('error')
      expect(diff.reasons[0]).toMatch(reason)
    }
  })

  it('a head with some errors is compared normally; errors count as not passing', () => {
    const base = makeRun([makeRecord({ id: 'a' }), makeRecord({ id: 'b' })])
    const head = makeRun([makeRecord({ id: 'a', status: 'error' }), makeRecord({ id: 'b' })])
    const diff = diffRuns(base, head, gate)
    expect(diff.regressed.map((f) => [f.key, f.head.status])).toEqual([['test/a', 'error']])
  })

  it('counts unpaired cases and pairs by phase and id', () => {
    const base = makeRun([
      makeRecord({ id: 'a' }),
      makeRecord({ id: 'b' }),
      makeRecord({ id: 'gone' }),
      makeRecord({ id: 'a', phase: 'validation', status: 'fail' })
    ])
    const head = makeRun([
      makeRecord({ id: 'a', status: 'fail' }),
      makeRecord({ id: 'b' }),
      makeRecord({ id: 'new-1' }),
      makeRecord({ id: 'new-2' }),
      makeRecord({ id: 'a', phase: 'validation' })
    ])
    const diff = diffRuns(base, head, gate)
    expect(diff.paired).toBe(3)
    expect(diff.unpaired).toEqual({ onlyInBase: 1, onlyInHead: 2 })
    expect(diff.regressed.map((f) => f.key)).toEqual(['test/a'])
    expect(diff.fixed.map((f) => f.key)).toEqual(['validation/a'])
    expect(diff.reasons.at(-1)).toBe('1 case only in the baseline and 2 only in the head left out of the significance test')
  })

  it('without any paired case a big drop cannot be called significant', () => {
    const base = makeRun([makeRecord({ id: 'a' }), makeRecord({ id: 'b' })])
    const head = makeRun([makeRecord({ id: 'c', status: 'fail' }), makeRecord({ id: 'd', status: 'fail' })])
    const diff = diffRuns(base, head, gate)
    expect(diff.verdict).toBe('pass')
    expect(diff.pValue).toBeNull()
    expect(diff.reasons[0]).toMatch(/significance cannot be tested/)
  })

  it('sorts regressions by score drop, then key; fixes by gain', () => {
    const base = makeRun([
      makeRecord({ id: 'small', score: 0.6 }),
      makeRecord({ id: 'big', score: 1 }),
      makeRecord({ id: 'big-too', score: 1 }),
      makeRecord({ id: 'f-small', status: 'fail', score: 0.4 }),
      makeRecord({ id: 'f-big', status: 'fail', score: 0 })
    ])
    const head = makeRun([
      makeRecord({ id: 'small', status: 'fail', score: 0.5 }),
      makeRecord({ id: 'big-too', status: 'error', score: 0 }),
      makeRecord({ id: 'big', status: 'fail', score: 0 }),
      makeRecord({ id: 'f-small', score: 0.6 }),
      makeRecord({ id: 'f-big', score: 1 })
    ])
    const diff = diffRuns(base, head, gate)
    expect(diff.regressed.map((f) => f.key)).toEqual(['test/big', 'test/big-too', 'test/small'])
    expect(diff.regressed[0]?.scoreDelta).toBe(-1)
    expect(diff.regressed[0]?.base.status).toBe('pass')
    expect(diff.fixed.map((f) => f.key)).toEqual(['test/f-big', 'test/f-small'])
  })

  it('gives the paired 95% interval of the per-case score change', () => {
    const { base, head } = makePair({ n: 100, basePass: 50, regress: 20, fix: 0 })
    const diff = diffRuns(base, head, gate)
    expect(diff.pairedDelta).not.toBeNull()
    const { mean, low, high, level } = diff.pairedDelta ?? { mean: NaN, low: NaN, high: NaN, level: NaN }
    expect(level).toBe(0.95)
    expect(mean).toBeCloseTo(-0.2, 10)
    expect(low).toBeLessThan(mean)
    expect(high).toBeGreaterThan(mean)
    expect(high).toBeLessThan(0)
  })

  it('computes headline metric deltas with direction from higherIsBetter', () => {
    const base = makeRun([makeRecord({ id: 'a' })], { latency_p50_ms: 400, cost_usd: 0.5, error_rate: 0.1, accuracy: 0.5 })
    const head = makeRun([makeRecord({ id: 'a' })], { latency_p50_ms: 500, cost_usd: 0.25, error_rate: 0.1, tokens_total: 10 })
    const byKey = Object.fromEntries(diffRuns(base, head, gate).metrics.map((m) => [m.key, m]))
    expect(Object.keys(byKey)).toEqual(['score', 'accuracy', 'error_rate', 'latency_p50_ms', 'tokens_total', 'cost_usd'])
    expect(byKey.latency_p50_ms).toMatchObject({ base: 400, head: 500, delta: 100, direction: 'regressed' })
    expect(byKey.cost_usd).toMatchObject({ delta: -0.25, direction: 'improved' })
    expect(byKey.error_rate).toMatchObject({ delta: 0, direction: 'unchanged' })
    expect(byKey.accuracy).toMatchObject({ base: 0.5, head: null, direction: 'unknown' })
    expect(byKey.score).toMatchObject({ direction: 'unchanged' })
  })

  it('computes per-phase and per-tag deltas, preferring scores.json keys', () => {
    const base = makeRun(
      [
        makeRecord({ id: 'a', phase: 'test', tags: ['algebra'] }),
        makeRecord({ id: 'b', phase: 'test', tags: ['algebra', 'geometry'], status: 'fail' }),
        makeRecord({ id: 'c', phase: 'validation', tags: ['geometry'] })
      ],
      { 'phase.test.score': 0.55, 'phase.test.n': 2 }
    )
    const head = makeRun([
      makeRecord({ id: 'a', phase: 'test', tags: ['algebra'], status: 'fail' }),
      makeRecord({ id: 'b', phase: 'test', tags: ['algebra', 'geometry'], status: 'fail' }),
      makeRecord({ id: 'c', phase: 'validation', tags: ['geometry', 'new.tag'] })
    ])
    const diff = diffRuns(base, head, gate)
    expect(diff.phases).toEqual([
      { name: 'test', base: 0.55, head: 0, delta: -0.55, baseN: 2, headN: 2, direction: 'regressed' },
      { name: 'validation', base: 1, head: 1, delta: 0, baseN: 1, headN: 1, direction: 'unchanged' }
    ])
    expect(diff.tags.map((t) => [t.name, t.base, t.head, t.direction])).toEqual([
      ['algebra', 0.5, 0, 'regressed'],
      ['geometry', 0.5, 0.5, 'unchanged'],
      ['new.tag', null, 1, 'unknown']
    ])
  })

  it('reads tag names with dots from scores.json keys', () => {
    const head = makeRun([makeRecord({ id: 'a' })], { 'tag.v1.2.score': 0.25, 'tag.v1.2.n': 4 })
    const diff = diffRuns(null, head, gate)
    expect(diff.tags).toEqual([{ name: 'v1.2', base: null, head: 0.25, delta: null, baseN: 0, headN: 4, direction: 'unknown' }])
  })
})

describe('gate options', () => {
  it.each<{ opts: GateOptions; field: string }>([
    { opts: { maxDrop: Number.NaN, alpha: 0.05 }, field: 'maxDrop' },
    { opts: { maxDrop: -1, alpha: 0.05 }, field: 'maxDrop' },
    { opts: { maxDrop: 2, alpha: 0 }, field: 'alpha' },
    { opts: { maxDrop: 2, alpha: 5 }, field: 'alpha' },
    { opts: { maxDrop: 2, alpha: 0.05, minScore: 50 }, field: 'minScore' }
  ])('rejects a bad $field', ({ opts, field }) => {
    const { base, head } = makePair({ n: 4, basePass: 2, regress: 0, fix: 0 })
    let caught: unknown
    try {
      diffRuns(base, head, opts)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ValidationError)
    expect((caught as ValidationError).issues.map((issue) => issue.field)).toEqual([field])
  })
})

describe('acknowledge', () => {
  it('turns a regression into a pass and keeps the fact', () => {
    const { base, head } = makePair({ n: 100, basePass: 50, regress: 20, fix: 0 })
    const diff = diffRuns(base, head, gate)
    const acked = acknowledge(diff, 'accept-regression')
    expect(acked.verdict).toBe('pass')
    expect(acked.acknowledged).toEqual({ label: 'accept-regression', previousVerdict: 'regressed' })
    expect(acked.reasons[0]).toBe(diff.reasons[0])
    expect(acked.reasons.at(-1)).toMatch(/acknowledged with "accept-regression"/)
    expect(acked.regressed).toHaveLength(20)
    // The input is not modified.
    expect(diff.verdict).toBe('regressed')
  })

  it.each<Verdict>(['pass', 'error', 'no-baseline'])('leaves a %s verdict alone', (verdict) => {
    const runs = makePair({ n: 10, basePass: 5, regress: 0, fix: 0 })
    if (verdict === 'error') runs.head.info.environment.hash = 'other'
    const diff = diffRuns(verdict === 'no-baseline' ? null : runs.base, runs.head, gate)
    expect(diff.verdict).toBe(verdict)
    expect(acknowledge(diff, 'accept-regression')).toBe(diff)
  })
})
