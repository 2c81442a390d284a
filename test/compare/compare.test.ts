import { describe, expect, it } from 'vitest'
import { compareRuns } from '../../src/compare/compare.js'
import { IncomparableRunsError } from '../../src/compare/check.js'
import { holmAdjust } from '../../src/compare/holm.js'
import { comparisonToJson } from '../../src/compare/json.js'
import { rankRuns } from '../../src/compare/rank.js'
import { labelFor } from '../../src/compare/text.js'
import type { ComparedRun, PairTest } from '../../src/compare/types.js'
import { ValidationError } from '../../src/errors.js'
import { caseId, HASH, makeRun, OTHER_HASH, runsFromBlocks, statusesFromBlocks, THREE_RUNS, TWO_RUNS } from './fixtures.js'

const P_2_12 = 0.012939453125
const P_0_8 = 0.0078125
const P_4_2 = 0.6875

describe('compareRuns with two runs', () => {
  it('computes the flips, the exact McNemar p, the paired interval and an honest "better" verdict', () => {
    const c = compareRuns(runsFromBlocks(TWO_RUNS))
    const detail = c.detail!
    expect(c.runs.map((r) => [r.label, r.model.name, r.score])).toEqual([
      ['A', 'model-a', 0.52],
      ['B', 'model-b', 0.62]
    ])
    expect(detail.test).toMatchObject({ a: 'A', b: 'B', paired: 100, regressed: 2, fixed: 12, onlyInA: 0, onlyInB: 0 })
    expect(detail.test.pValue).toBeCloseTo(P_2_12, 12)
    expect(detail.test.adjustedP).toBeCloseTo(P_2_12, 12)
    expect(detail.table).toEqual({ bothPass: 50, regressed: 2, fixed: 12, bothNotPass: 36 })
    // Paired differences: twelve +1, two −1, 86 zeros → mean 0.1, sd √(13/99), 95% CI ±1.96·sd/10.
    expect(detail.test.pairedDelta!.mean).toBeCloseTo(0.1, 12)
    expect(detail.test.pairedDelta!.low).toBeCloseTo(0.1 - 1.959963984540054 * Math.sqrt(13 / 99) / 10, 9)
    expect(detail.test.pairedDelta!.high).toBeCloseTo(0.1 + 1.959963984540054 * Math.sqrt(13 / 99) / 10, 9)
    expect(detail.verdict).toEqual({ kind: 'better', delta: expect.closeTo(0.1, 12), text: 'B is better by 10.0 pp (95% CI +2.9 pp to +17.1 pp), p = 0.0129' })

    const score = detail.metrics.find((m) => m.key === 'score')!
    expect(score.base).toBeCloseTo(0.52, 12)
    expect(score.head).toBeCloseTo(0.62, 12)
    expect(score.delta).toBeCloseTo(0.1, 12)
    expect(score.direction).toBe('improved')
    // Each run's own Wilson interval, as aggregate() wrote it.
    expect(score.baseInterval!.low).toBeLessThan(0.52)
    expect(score.headInterval!.high).toBeGreaterThan(0.62)

    expect(detail.fixed.map((f) => f.head.id)).toEqual(Array.from({ length: 12 }, (_, i) => caseId(i + 2)))
    expect(detail.regressed.map((f) => f.key)).toEqual(['test/q0001', 'test/q0002'])
    expect(c.notes).toEqual([])
    expect(c.hashMismatch).toBe(false)
  })

  it('per-tag and per-phase deltas', () => {
    const c = compareRuns(runsFromBlocks(TWO_RUNS, [{}, {}]))
    const tags = Object.fromEntries(c.detail!.tags.map((t) => [t.name, t]))
    // Even cases: indices 0 (PF) … ; count directly from the statuses.
    const [a, b] = statusesFromBlocks(TWO_RUNS) as [string[], string[]]
    const rate = (s: string[], parity: number): number => s.filter((x, i) => i % 2 === parity && x === 'pass').length / 50
    expect(tags.even!.base).toBeCloseTo(rate(a, 0), 12)
    expect(tags.even!.head).toBeCloseTo(rate(b, 0), 12)
    expect(tags.odd!.delta).toBeCloseTo(rate(b, 1) - rate(a, 1), 12)
    expect(c.detail!.phases.map((p) => [p.name, p.baseN, p.headN])).toEqual([['test', 100, 100]])
  })

  it('says "worse" when B regressed significantly', () => {
    const [a, b] = runsFromBlocks(TWO_RUNS)
    const c = compareRuns([b!, a!])
    expect(c.detail!.verdict.text).toBe('B is worse by 10.0 pp (95% CI -17.1 pp to -2.9 pp), p = 0.0129')
    expect(c.detail!.test).toMatchObject({ regressed: 12, fixed: 2 })
  })

  it('says "no significant difference" when p ≥ alpha, even though B scores higher', () => {
    const runs = runsFromBlocks([
      { n: 3, s: 'PF' },
      { n: 5, s: 'FP' },
      { n: 60, s: 'PP' },
      { n: 32, s: 'FF' }
    ])
    const c = compareRuns(runs)
    expect(c.detail!.test.pValue).toBeCloseTo(0.7265625, 12) // 2·(1 + 8 + 28 + 56)/2⁸
    expect(c.detail!.verdict.kind).toBe('no-difference')
    expect(c.detail!.verdict.text).toMatch(/^No significant difference: B − A = \+2\.0 pp \(95% CI -\d\.\d pp to \+\d\.\d pp\), p = 0\.73 \(α = 0\.05\)$/)
  })

  it('uses --alpha: p = 0.0129 is not significant at 0.01', () => {
    const c = compareRuns(runsFromBlocks(TWO_RUNS), { alpha: 0.01 })
    expect(c.alpha).toBe(0.01)
    expect(c.detail!.verdict.kind).toBe('no-difference')
    expect(c.detail!.verdict.text).toContain('p = 0.0129 (α = 0.01)')
  })

  it('calls it "mixed" when more cases pass but the mean partial score fell', () => {
    const statuses = statusesFromBlocks(TWO_RUNS)
    // A's fixed cases scored 0.4 (fail) and B's 0.6 (pass): +0.2 each, 12 × = +2.4; regressions 1 → 0: −2;
    // the 50 cases passing in both drop from 1 to 0.9: −5. Net −4.6 points over 100 cases.
    const scoreA = (i: number, s: string): number => (i >= 2 && i < 14 ? 0.4 : s === 'pass' ? 1 : 0)
    const scoreB = (i: number, s: string): number => (i >= 2 && i < 14 ? 0.6 : i >= 14 && i < 64 ? 0.9 : s === 'pass' ? 1 : 0)
    const a = makeRun(statuses[0]!, { model: 'model-a', score: scoreA })
    const b = makeRun(statuses[1]!, { model: 'model-b', score: scoreB })
    const c = compareRuns([a, b])
    expect(c.detail!.test.pairedDelta!.mean).toBeCloseTo(-0.046, 12)
    expect(c.detail!.verdict.kind).toBe('mixed')
    expect(c.detail!.verdict.text).toMatch(/^B passes more cases than A \(12 fixed, 2 regressed, p = 0\.0129\), but its mean score changes by -4\.6 pp \(95% CI .+\): no clear winner$/)
  })

  it('cannot test runs with no case in common, and says so', () => {
    const a = makeRun(['pass', 'fail'], { model: 'model-a' })
    const b = makeRun(['pass', 'pass'], { model: 'model-b', phase: () => 'validation' })
    const c = compareRuns([a, b])
    expect(c.detail!.test.pValue).toBeNull()
    expect(c.detail!.verdict).toMatchObject({ kind: 'untestable', text: 'Cannot test the difference: no case is in both A and B' })
    expect(c.notes).toEqual(['A and B have no case in common (different phases or case ids), so their difference cannot be tested.'])
  })

  it('notes cases outside the paired statistics', () => {
    const a = makeRun(['pass', 'fail', 'pass', 'pass'], { model: 'model-a' })
    const b = makeRun(['pass', 'pass', 'pass'], { model: 'model-b' })
    const c = compareRuns([a, b])
    expect(c.detail!.test).toMatchObject({ paired: 3, onlyInA: 1, onlyInB: 0, fixed: 1, regressed: 0 })
    expect(c.notes).toEqual(['1 case only in A and 0 cases only in B are left out of the paired statistics.'])
  })
})

describe('which runs compare', () => {
  it('refuses different environment hashes, naming each run and why', () => {
    const a = { ...makeRun(['pass', 'fail'], { model: 'model-a' }), dir: 'runs/a' }
    const b = { ...makeRun(['pass', 'pass'], { model: 'model-b', version: '1.1.0', hash: OTHER_HASH }), dir: 'runs/b' }
    let error: unknown
    try {
      compareRuns([a, b])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(IncomparableRunsError)
    const e = error as IncomparableRunsError
    expect(e.reason).toBe('environment-hash')
    expect(e.exitCode).toBe(2)
    expect(e.message).toContain('environment hashes differ')
    expect(e.message).toContain('the data, manifest or scorers changed between them, so their scores are not comparable')
    expect(e.message).toContain('A (runs/a): environment gsm8k 1.0.0, hash 3f2a9c1b7d4e, model model-a')
    expect(e.message).toContain('B (runs/b): environment gsm8k 1.1.0, hash 9d0e1f2a3b4c, model model-b')
    expect(e.message).toContain('--allow-hash-mismatch')
  })

  it('compares different hashes when allowed, with a note the reader sees', () => {
    const a = makeRun(['pass', 'fail'], { model: 'model-a' })
    const b = makeRun(['pass', 'pass'], { model: 'model-b', version: '1.1.0', hash: OTHER_HASH })
    const c = compareRuns([a, b], { allowHashMismatch: true })
    expect(c.hashMismatch).toBe(true)
    expect(c.notes[0]).toBe(
      'Environment hashes differ (A: gsm8k 1.0.0 3f2a9c1b7d4e; B: gsm8k 1.1.0 9d0e1f2a3b4c): the data, manifest or scorers changed, so the scores may not be comparable; compared anyway because a hash mismatch was allowed.'
    )
    expect(c.detail!.test.fixed).toBe(1)
  })

  it('always refuses different environments, allowed hash mismatch or not', () => {
    const a = makeRun(['pass'], { model: 'model-a' })
    const b = makeRun(['pass'], { model: 'model-b', envName: 'arith', hash: HASH })
    for (const allowHashMismatch of [false, true]) {
      expect(() => compareRuns([a, b], { allowHashMismatch })).toThrow(IncomparableRunsError)
      try {
        compareRuns([a, b], { allowHashMismatch })
      } catch (e) {
        expect((e as IncomparableRunsError).reason).toBe('environment-name')
        expect((e as Error).message).toMatch(/different environments: they answered different cases, so their scores are not comparable/)
        expect((e as Error).message).toContain('A: environment gsm8k 1.0.0, hash 3f2a9c1b7d4e')
        expect((e as Error).message).toContain('B: environment arith 1.0.0, hash 3f2a9c1b7d4e')
      }
    }
  })

  it('keeps control and bidi characters from run files out of the message', () => {
    const a = makeRun(['pass'], { model: 'model-a', envName: 'gsm8k' })
    const b = makeRun(['pass'], { model: 'model-b', envName: 'gsm\u001b[31m8k\u202e' })
    expect(() => compareRuns([a, b])).toThrow(/gsm\[31m8k\ufffd/)
  })

  it.each([
    { runs: 1, alpha: 0.05, message: /at least two runs, received 1/ },
    { runs: 2, alpha: 0, message: /field "alpha" must be a significance level between 0 and 1, received 0/ },
    { runs: 2, alpha: 1, message: /received 1/ },
    { runs: 2, alpha: Number.NaN, message: /received NaN/ }
  ])('rejects $runs run(s) at alpha $alpha', ({ runs, alpha, message }) => {
    const all = runsFromBlocks(TWO_RUNS).slice(0, runs)
    expect(() => compareRuns(all, { alpha })).toThrow(ValidationError)
    expect(() => compareRuns(all, { alpha })).toThrow(message)
  })
})

describe('Holm correction', () => {
  it.each<{ p: (number | null)[]; adjusted: (number | null)[] }>([
    // m = 3: 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04, raised to 0.06 to keep the order.
    { p: [0.01, 0.04, 0.03], adjusted: [0.03, 0.06, 0.06] },
    // Untestable pairs do not count towards m.
    { p: [0.02, null, 0.01], adjusted: [0.02, null, 0.02] },
    // Capped at 1.
    { p: [0.6, 0.5], adjusted: [1, 1] },
    // One pair: unchanged.
    { p: [0.0129], adjusted: [0.0129] },
    { p: [], adjusted: [] }
  ])('$p → $adjusted', ({ p, adjusted }) => {
    const out = holmAdjust(p)
    expect(out).toHaveLength(adjusted.length)
    out.forEach((value, i) => (adjusted[i] === null ? expect(value).toBeNull() : expect(value).toBeCloseTo(adjusted[i]!, 12)))
  })
})

describe('compareRuns with three runs', () => {
  it('tests every pair, Holm-corrects for three pairs, and ranks by score', () => {
    const c = compareRuns(runsFromBlocks(THREE_RUNS))
    expect(c.detail).toBeNull()
    const pair = (a: string, b: string): PairTest => c.pairs.find((p) => p.a === a && p.b === b)!
    expect(pair('A', 'B')).toMatchObject({ regressed: 2, fixed: 12, paired: 100 })
    expect(pair('A', 'C')).toMatchObject({ regressed: 0, fixed: 8 })
    expect(pair('B', 'C')).toMatchObject({ regressed: 4, fixed: 2 })
    expect(pair('A', 'B').pValue).toBeCloseTo(P_2_12, 12)
    expect(pair('A', 'C').pValue).toBeCloseTo(P_0_8, 12)
    expect(pair('B', 'C').pValue).toBeCloseTo(P_4_2, 12)
    // Smallest raw p (A–C) × 3, next (A–B) × 2, largest (B–C) × 1.
    expect(pair('A', 'C').adjustedP).toBeCloseTo(3 * P_0_8, 12)
    expect(pair('A', 'B').adjustedP).toBeCloseTo(2 * P_2_12, 12)
    expect(pair('B', 'C').adjustedP).toBeCloseTo(P_4_2, 12)
    expect(c.pairs.map((p) => p.significant)).toEqual([true, true, false])
    expect(pair('B', 'C').scoreDelta).toBeCloseTo(-0.02, 12)

    expect(c.ranking.map((r) => [r.rank, r.label, r.score])).toEqual([
      [1, 'B', 0.62],
      [2, 'C', 0.6],
      [3, 'A', 0.52]
    ])
    expect(c.ranking[0]!.vsLeader).toBeNull()
    expect(c.ranking[1]!.vsLeader).toMatchObject({ significant: false, adjustedP: expect.closeTo(P_4_2, 12) })
    expect(c.ranking[2]!.vsLeader).toMatchObject({ significant: true, adjustedP: expect.closeTo(2 * P_2_12, 12) })
    expect(c.ranking.every((r) => r.interval !== null && r.interval.low < r.score! && r.interval.high > r.score!)).toBe(true)
  })

  it('the correction can make a raw p below alpha not significant', () => {
    const c = compareRuns(runsFromBlocks(THREE_RUNS), { alpha: 0.025 })
    const ab = c.pairs.find((p) => p.a === 'A' && p.b === 'B')!
    const ac = c.pairs.find((p) => p.a === 'A' && p.b === 'C')!
    expect(ab.pValue!).toBeLessThan(0.025)
    expect(ab.adjustedP!).toBeGreaterThanOrEqual(0.025)
    expect(ab.significant).toBe(false)
    expect(ac.significant).toBe(true) // 3 × 0.0078125 = 0.0234
  })

  it('gives equal scores the same rank', () => {
    const run = (label: string, score: number | null): ComparedRun => ({
      label,
      dir: null,
      environment: { name: 'e', version: '1', hash: 'h' },
      model: { key: label, name: label },
      git: {},
      startedAt: '',
      n: 10,
      score,
      interval: null,
      scores: {}
    })
    const ranked = rankRuns([run('A', 0.5), run('B', 0.7), run('C', null), run('D', 0.5 + 1e-12), run('E', 0.4)], [])
    expect(ranked.map((r) => `${r.rank}${r.label}`)).toEqual(['1B', '2A', '2D', '4E', '5C'])
  })

  it('labels runs A … Z, AA, AB', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(labelFor)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'ZZ', 'AAA'])
  })
})

describe('comparisonToJson', () => {
  it('is plain JSON with slim flips', () => {
    const c = compareRuns(runsFromBlocks(TWO_RUNS))
    const json = JSON.parse(JSON.stringify(comparisonToJson(c)))
    expect(json.detail.regressed[0]).toEqual({
      key: 'test/q0001',
      id: 'q0001',
      phase: 'test',
      tags: ['even'],
      a: { status: 'pass', score: 1, extracted: '0', error: null },
      b: { status: 'fail', score: 0, extracted: '1', error: null }
    })
    expect(json.detail.fixed).toHaveLength(12)
    expect(json.detail.test.pValue).toBeCloseTo(P_2_12, 12)
    expect(json.runs[0]).not.toHaveProperty('baseUrl')
    expect(JSON.stringify(json)).not.toContain('10.0.0.7')
  })
})
