import { describe, expect, it } from 'vitest'
import type { Target } from '../../src/environment/types.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

describe('includes scorer', () => {
  const table: [string, Record<string, unknown>, string, Target, boolean][] = [
    ['contained', {}, 'The capital is Paris.', 'Paris', true],
    ['case-insensitive by default', {}, 'THE CAPITAL IS PARIS', 'paris', true],
    ['whitespace collapsed on both sides', {}, 'New\n  York City', 'new york', true],
    ['absent', {}, 'The capital is Lyon', 'Paris', false],
    ['any target', {}, 'It is NYC', ['New York', 'NYC'], true],
    ['case kept when asked', { normalize: { case: false } }, 'paris', 'Paris', false],
    ['empty target never passes', {}, 'anything', '', false],
    ['blank targets are skipped', {}, 'Paris', ['  ', 'Paris'], true],
    ['after extraction', { extract: { pattern: 'Final: (.*)' } }, 'Paris is big. Final: Lyon', 'Paris', false]
  ]
  it.each(table)('%s', async (_label, config, response, target, passed) => {
    const score = await scoreWith(await scorerFrom({ type: 'includes', ...config }), response, target)
    expect(score.passed).toBe(passed)
    expect(score.value).toBe(passed ? 1 : 0)
  })

  it('reasons', async () => {
    const scorer = await scorerFrom({ type: 'includes' })
    expect((await scoreWith(scorer, 'It is Paris', 'Paris')).reason).toBe('answer contains "Paris"')
    expect((await scoreWith(scorer, 'Lyon', 'Paris')).reason).toBe('"Lyon" does not contain target "Paris"')
    expect((await scoreWith(scorer, 'Lyon', '')).reason).toBe('the target is empty after normalisation')
  })
})
