import { describe, expect, it } from 'vitest'
import type { Target } from '../../src/environment/types.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

const GSM8K_NORMALIZE = { case: true, ignore: [',', '\\$', '(?s).*#### ', '\\.$'] }
const STRICT = { pattern: '#### (\\-?[0-9\\.\\,]+)', select: 'first' }
const FLEXIBLE = { pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)', select: 'last' }

describe('exact scorer', () => {
  const table: [string, Record<string, unknown>, string, Target, boolean, string | null][] = [
    ['equal', {}, 'Paris', 'Paris', true, 'Paris'],
    ['case and whitespace ignored by default', {}, '  paris \n', 'Paris', true, '  paris \n'],
    ['different', {}, 'Lyon', 'Paris', false, 'Lyon'],
    ['case kept when asked', { normalize: { case: false } }, 'paris', 'Paris', false, 'paris'],
    ['any of several targets', {}, 'NYC', ['New York', 'NYC'], true, 'NYC'],
    ['punctuation ignored when asked', { normalize: { punctuation: true } }, 'Paris.', 'Paris', true, 'Paris.'],
    ['not a substring match', {}, 'The answer is Paris', 'Paris', false, 'The answer is Paris'],
    // GSM8K as lm-eval scores it: strict-match filter + exact_match with its regexes_to_ignore.
    ['gsm8k strict: #### 18', { extract: STRICT, normalize: GSM8K_NORMALIZE }, '#### 18', '18', true, '18'],
    ['gsm8k strict: reasoning then ####', { extract: STRICT, normalize: GSM8K_NORMALIZE }, '...so 5 + 3 = 8 apples.\n#### 8', '8', true, '8'],
    ['gsm8k strict: no #### → no answer', { extract: STRICT, normalize: GSM8K_NORMALIZE }, 'The answer is $1,234.', '1234', false, null],
    ['gsm8k flexible: $1,234.', { extract: FLEXIBLE, normalize: GSM8K_NORMALIZE }, 'The answer is $1,234.', '1234', true, '$1,234.'],
    ['gsm8k flexible: last number wins', { extract: FLEXIBLE, normalize: GSM8K_NORMALIZE }, '...so 5 + 3 = 8 apples.\n#### 8', '8', true, '8'],
    ['gsm8k target with thousands separator', { extract: FLEXIBLE, normalize: GSM8K_NORMALIZE }, 'It costs 1234 dollars', '1,234', true, '1234']
  ]
  it.each(table)('%s', async (_label, config, response, target, passed, extracted) => {
    const score = await scoreWith(await scorerFrom({ type: 'exact', ...config }), response, target)
    expect(score).toMatchObject({ passed, value: passed ? 1 : 0, extracted })
  })

  it('explains itself', async () => {
    const scorer = await scorerFrom({ type: 'exact' })
    expect((await scoreWith(scorer, 'Lyon', 'Paris')).reason).toBe('"Lyon" does not match target "Paris"')
    expect((await scoreWith(scorer, 'x', ['a', 'b'])).reason).toBe('"x" does not match any of targets "a", "b"')
    expect((await scoreWith(scorer, 'paris', 'Paris')).reason).toBe('"paris" matches target "Paris"')
  })

  it('says which pattern found nothing', async () => {
    const scorer = await scorerFrom({ type: 'exact', extract: { pattern: 'ANSWER: (\\w+)', flags: 'i' } })
    expect(await scoreWith(scorer, 'I do not know', 'B')).toEqual({ value: 0, passed: false, extracted: null, reason: 'no answer found matching /ANSWER: (\\w+)/i' })
  })

  it('compares the fallback like any answer', async () => {
    const scorer = await scorerFrom({ type: 'exact', extract: { ...STRICT, fallback: '[invalid]' } })
    expect(await scoreWith(scorer, 'no hashes', '5')).toMatchObject({ passed: false, extracted: '[invalid]' })
  })
})
