import { describe, expect, it } from 'vitest'
import type { Target } from '../../src/environment/types.js'
import { findNumbers, parseNumber, withinTolerance } from '../../src/scoring/numeric.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

describe('parseNumber', () => {
  const table: [string, number | null, boolean?][] = [
    ['42', 42],
    ['-3', -3],
    ['−3', -3],
    ['+7', 7],
    ['1,234', 1234],
    ['1,234.50', 1234.5],
    ['1,234,567', 1234567],
    ['$1,234.', 1234],
    ['-$5', -5],
    ['$-5', -5],
    ['€12.50', 12.5],
    ['£3', 3],
    ['50%', 50, true],
    ['50 %', 50, true],
    ['8.', 8],
    ['.5', 0.5],
    ['0.5', 0.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['3/4', 0.75],
    ['-3/4', -0.75],
    ['1/0', null],
    ['The answer is 42.', 42],
    ['so 5 + 3 = 8 apples.', 8],
    ['It costs $18 in total', 18],
    ['1,2,3', 3],
    ['12,34', 34],
    ['COVID-19', 19],
    ['H2O', null],
    ['3.14.15', 3.14],
    ['5-3', 3],
    ['no numbers', null],
    ['', null]
  ]
  it.each(table)('%j → %j', (text, value, percent = false) => {
    const parsed = parseNumber(text)
    if (value === null) expect(parsed).toBeNull()
    else expect(parsed).toMatchObject({ value, percent })
  })

  it('finds every number in order', () => {
    expect(findNumbers('From $1,200 to 3/4 of 50%').map((n) => [n.value, n.text])).toEqual([
      [1200, '$1,200'],
      [0.75, '3/4'],
      [50, '50%']
    ])
  })

  it('tolerances', () => {
    expect(withinTolerance(1 / 3, 0.3333333333333333, 0, 0)).toBe(true)
    expect(withinTolerance(0.1 + 0.2, 0.3, 0, 0)).toBe(true)
    expect(withinTolerance(3.14, 3.1416, 0.01, 0)).toBe(true)
    expect(withinTolerance(3.14, 3.1416, 0.001, 0)).toBe(false)
    expect(withinTolerance(101, 100, 0, 0.01)).toBe(true)
    expect(withinTolerance(102, 100, 0, 0.01)).toBe(false)
    // The looser of the two wins.
    expect(withinTolerance(102, 100, 5, 0.01)).toBe(true)
  })
})

describe('numeric scorer', () => {
  const table: [string, Record<string, unknown>, string, Target, boolean, string | null][] = [
    ['same number', {}, '42', '42', true, '42'],
    ['number in a sentence', {}, 'The answer is $1,234.', '1234', true, '1234'],
    ['target with separators', {}, '1234', '1,234', true, '1234'],
    ['decimal equality', {}, '1,234.50', '1234.5', true, '1234.5'],
    ['last number is the answer', {}, '5 + 3 = 8 apples.', '8', true, '8'],
    ['wrong', {}, 'I get 7', '8', false, '7'],
    ['negative', {}, 'It dropped to -3 degrees', '-3', true, '-3'],
    ['sign matters', {}, '3', '-3', false, '3'],
    ['fraction vs decimal', {}, '3/4', '0.75', true, '0.75'],
    ['exponent', {}, '1e3', '1000', true, '1000'],
    ['percent vs plain', {}, '50%', '50', true, '50%'],
    ['percent vs fraction', {}, '50%', '0.5', true, '50%'],
    ['absolute tolerance', { tolerance: 0.01 }, 'about 3.14', '3.1416', true, '3.14'],
    ['outside tolerance', { tolerance: 0.001 }, 'about 3.14', '3.1416', false, '3.14'],
    ['relative tolerance', { relativeTolerance: 0.05 }, '1,040', '1000', true, '1040'],
    ['any target', {}, '2', ['1', '2'], true, '2'],
    ['no number', {}, 'I do not know', '5', false, null],
    ['after GSM8K strict extraction', { extract: { pattern: '#### (\\-?[0-9\\.\\,]+)' } }, 'so 3 + 4 = 7\n#### 7', '7', true, '7']
  ]
  it.each(table)('%s', async (_label, config, response, target, passed, extracted) => {
    const score = await scoreWith(await scorerFrom({ type: 'numeric', ...config }), response, target)
    expect(score).toMatchObject({ passed, value: passed ? 1 : 0, extracted })
  })

  it('reasons say what was parsed and from where', async () => {
    const scorer = await scorerFrom({ type: 'numeric', tolerance: 0.5 })
    expect((await scoreWith(scorer, 'The answer is $1,234.', '1234')).reason).toBe('parsed 1234 (read from "$1,234"), matches target 1234')
    expect((await scoreWith(scorer, '7', '8')).reason).toBe('parsed 7, expected 8 within the tolerance (absolute 0.5, relative 0)')
    expect((await scoreWith(scorer, 'none', '8')).reason).toBe('no number found in "none"')
    expect((await scoreWith(scorer, '8', 'eight')).reason).toBe('parsed 8, but no target is a number ("eight")')
  })
})
