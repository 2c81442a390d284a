import { describe, expect, it } from 'vitest'
import type { Target } from '../../src/environment/types.js'
import { squadTokens, tokenF1 } from '../../src/scoring/f1.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

describe('tokenF1 (SQuAD compute_f1)', () => {
  const table: [string, string, number][] = [
    ['Denver Broncos', 'Denver Broncos', 1],
    ['the Denver Broncos!', 'Denver Broncos', 1],
    ['Broncos', 'Denver Broncos', 2 / 3],
    ['the Broncos won', 'Denver Broncos', 0.5],
    ['x x y', 'x y y', 2 / 3],
    ['Carolina Panthers', 'Denver Broncos', 0],
    ['', '', 1],
    ['the', '', 1],
    ['something', '', 0],
    ['', 'Denver', 0],
    ['São Paulo, Brasil', 'são paulo', 0.8]
  ]
  it.each(table)('%j vs %j → %d', (prediction, reference, f1) => {
    expect(tokenF1(prediction, reference)).toBeCloseTo(f1, 10)
  })

  it('tokenises like SQuAD: lower case, no punctuation, no articles', () => {
    expect(squadTokens('The  Quick, brown fox — an "example".')).toEqual(['quick', 'brown', 'fox', 'example'])
  })
})

describe('f1 scorer', () => {
  const table: [string, Record<string, unknown>, string, Target, number, boolean][] = [
    ['exact', {}, 'Denver Broncos', 'Denver Broncos', 1, true],
    ['partial above default threshold 0.5', {}, 'Broncos', 'Denver Broncos', 2 / 3, true],
    ['partial at threshold passes', {}, 'the Broncos won', 'Denver Broncos', 0.5, true],
    ['partial below a stricter threshold', { threshold: 0.8 }, 'Broncos', 'Denver Broncos', 2 / 3, false],
    ['best of several targets', {}, 'Broncos', ['Carolina Panthers', 'Broncos'], 1, true],
    ['no overlap', {}, 'Panthers', 'Denver Broncos', 0, false]
  ]
  it.each(table)('%s', async (_label, config, response, target, value, passed) => {
    const score = await scoreWith(await scorerFrom({ type: 'f1', ...config }), response, target)
    expect(score.value).toBeCloseTo(value, 10)
    expect(score.passed).toBe(passed)
    expect(score.extracted).toBe(response)
  })

  it('reason names the closest target', async () => {
    const score = await scoreWith(await scorerFrom({ type: 'f1' }), 'Broncos', ['Carolina Panthers', 'Denver Broncos'])
    expect(score.reason).toBe('F1 0.667 against "Denver Broncos" ≥ 0.5')
  })
})
