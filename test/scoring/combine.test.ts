import { describe, expect, it } from 'vitest'
import { Scoring } from '../../src/environment/manifest.js'
import { scoreCase } from '../../src/scoring/combine.js'
import { buildScorers } from '../../src/scoring/registry.js'
import type { Scorer } from '../../src/scoring/types.js'
import { makeCase } from './_fixtures.js'

async function setup(scorers: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const scoring = Scoring.parse({ scorers, ...extra })
  return { scoring, scorers: await buildScorers(scoring, { root: '.' }) }
}

const input = (response: string, target: string, row: Record<string, unknown> = {}) => ({ response, target, case: makeCase({ target, row }) })

describe('scoreCase', () => {
  it('the first scorer is primary by default', async () => {
    const { scoring, scorers } = await setup([{ type: 'exact' }, { type: 'includes' }])
    const result = await scoreCase(scorers, scoring, input('It is Paris', 'Paris'))
    expect(result).toMatchObject({ score: 0, passed: false, extracted: 'It is Paris' })
    expect(Object.keys(result.scores)).toEqual(['exact', 'includes'])
    expect(result.scores.includes?.passed).toBe(true)
  })

  it('primary names a scorer', async () => {
    const { scoring, scorers } = await setup([{ type: 'exact' }, { type: 'numeric', extract: { pattern: 'Answer: (.*)' } }], { primary: 'numeric' })
    expect(await scoreCase(scorers, scoring, input('Answer: $1,234', '1234'))).toMatchObject({ score: 1, passed: true, extracted: '1234' })
  })

  const weighted: [string, Record<string, unknown>[], number, string, string, number, boolean][] = [
    ['equal weights, half right', [{ type: 'exact' }, { type: 'includes' }], 1, 'It is Paris', 'Paris', 0.5, false],
    ['equal weights, threshold 0.5', [{ type: 'exact' }, { type: 'includes' }], 0.5, 'It is Paris', 'Paris', 0.5, true],
    ['weights 1 and 3', [{ type: 'exact' }, { type: 'includes', weight: 3 }], 0.75, 'It is Paris', 'Paris', 0.75, true],
    ['all right with fractional weights', [{ type: 'exact', weight: 0.7 }, { type: 'includes', weight: 0.3 }], 1, 'Paris', 'Paris', 1, true],
    ['all weights zero: plain mean', [{ type: 'exact', weight: 0 }, { type: 'includes', weight: 0 }], 1, 'It is Paris', 'Paris', 0.5, false],
    ['partial credit (f1)', [{ type: 'f1' }, { type: 'exact' }], 0.3, 'Broncos', 'Denver Broncos', 1 / 3, true]
  ]
  it.each(weighted)('weighted: %s', async (_label, configs, threshold, response, target, score, passed) => {
    const { scoring, scorers } = await setup(configs, { primary: 'weighted', threshold })
    const result = await scoreCase(scorers, scoring, input(response, target))
    expect(result.score).toBeCloseTo(score, 12)
    expect(result.passed).toBe(passed)
    // With weighted scoring the extracted answer is the first scorer's.
    expect(result.extracted).toBe(result.scores[scorers[0]?.name ?? '']?.extracted)
  })

  it('a scorer that throws becomes a failed score, the others still count', async () => {
    const { scoring, scorers } = await setup([{ type: 'exact' }, { type: 'constraints' }], { primary: 'weighted' })
    const result = await scoreCase(scorers, scoring, input('Paris', 'Paris', { constraints: [{ kind: 'bogus' }] }))
    expect(result.scores.exact?.passed).toBe(true)
    expect(result.scores.constraints).toMatchObject({ value: 0, passed: false, extracted: null })
    expect(result.scores.constraints?.reason).toMatch(/^scorer constraints failed: .*constraints\[0\]\.kind.*unknown constraint kind "bogus"/s)
    expect(result.score).toBe(0.5)
  })

  it('survives a hand-written scorer that throws a non-Error or returns nonsense', async () => {
    const scoring = Scoring.parse({ scorers: [{ type: 'exact' }], primary: 'weighted' })
    const scorers: Scorer[] = [
      { name: 'nan', type: 'custom', weight: 1, score: () => ({ value: Number.NaN, passed: true, extracted: 'x', reason: 'r' }) },
      { name: 'boom', type: 'custom', weight: 1, score: () => Promise.reject(new Error('kaput')) },
      {
        name: 'string',
        type: 'custom',
        weight: 1,
        score: () => {
          throw 'just a string'
        }
      }
    ]
    const result = await scoreCase(scorers, scoring, input('x', 'x'))
    expect(result.scores.nan?.value).toBe(0)
    expect(result.scores.boom?.reason).toBe('scorer boom failed: kaput')
    expect(result.scores.string?.reason).toBe('scorer string failed: just a string')
    expect(result.score).toBe(0)
  })

  it('refuses to run without scorers or with an unknown primary', async () => {
    const { scoring, scorers } = await setup([{ type: 'exact' }])
    await expect(scoreCase([], scoring, input('a', 'a'))).rejects.toThrow(/at least one scorer/)
    await expect(scoreCase(scorers, { ...scoring, primary: 'nope' }, input('a', 'a'))).rejects.toThrow(/primary scorer "nope"/)
  })
})
