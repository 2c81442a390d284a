import { describe, expect, it } from 'vitest'
import { allowedLetters, extractChoice, targetLetter } from '../../src/scoring/choice.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

const FOUR = ['Paris', 'Lyon', 'Marseille', 'Nice']

describe('extractChoice', () => {
  const table: [string, string | null, string?][] = [
    ['Answer: B', 'B', 'answer statement'],
    ['ANSWER: C', 'C', 'answer statement'],
    ['The answer is B', 'B', 'answer statement'],
    ['The answer is (B).', 'B', 'answer statement'],
    ['The correct answer is: **D**', 'D', 'answer statement'],
    ['**Answer:** C', 'C', 'answer statement'],
    ['Final answer: (a)', 'A', 'answer statement'],
    ['The answer is b.', 'B', 'answer statement'],
    ['The correct option is C', 'C', 'answer statement'],
    ['Option A looks right at first, but the answer is D.', 'D', 'answer statement'],
    ['The answer is A. Wait, no. The answer is C.', 'C', 'answer statement'],
    ['B', 'B', 'bare letter'],
    ['B.', 'B', 'bare letter'],
    ['(B)', 'B', 'bare letter'],
    ['  **C**  ', 'C', 'bare letter'],
    ['b', 'B', 'bare letter'],
    ['B. Lyon is the largest city', 'B', 'leading letter'],
    ['(C) Marseille', 'C', 'leading letter'],
    ['D) Nice', 'D', 'leading letter'],
    ['C is correct because…', 'C', 'leading letter'],
    ['I would go with (C) here.', 'C', 'parenthesised letter'],
    ['Lyon', 'B', 'choice text'],
    ['paris.', 'A', 'choice text'],
    // Not answers:
    ['E', null],
    ['Answer: E', null],
    ['A good question. I am unsure.', null],
    ['I think the answer is a city in France', null],
    ['Both (A) and (B) are plausible', null],
    ['B, because (A) is wrong', 'B', 'leading letter'],
    ['Toulouse', null],
    ['', null]
  ]
  it.each(table)('%j → %j', (response, letter, how) => {
    const found = extractChoice(response, allowedLetters('ABCDEFGHIJ', FOUR), FOUR)
    if (letter === null) expect(found).toBeNull()
    else expect(found).toEqual({ letter, how })
  })

  it('limits letters to the number of choices', () => {
    expect(allowedLetters('ABCDEFGHIJ', ['x', 'y', 'z'])).toBe('ABC')
    expect(allowedLetters('ABCDEFGHIJ')).toBe('ABCDEFGHIJ')
    expect(extractChoice('D', 'ABC')).toBeNull()
    // With ten choices, I is a letter; "I think" is still no answer (A and I start sentences).
    expect(extractChoice('I think so', 'ABCDEFGHIJ')).toBeNull()
    expect(extractChoice('Answer: I', 'ABCDEFGHIJ')?.letter).toBe('I')
  })

  it('handles runaway responses in linear time', () => {
    const started = Date.now()
    expect(extractChoice(`answer${' '.repeat(200_000)}!`, 'ABCD')).toBeNull()
    expect(extractChoice(`${'(A) '.repeat(50_000)}Answer: C`, 'ABCD')?.letter).toBe('C')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('uses the configured letters', () => {
    expect(extractChoice('Answer: 3', '1234')?.letter).toBe('3')
    expect(extractChoice('Answer: z', 'wxyz')?.letter).toBe('z')
  })
})

describe('targetLetter', () => {
  const table: [string, string | null][] = [
    ['B', 'B'],
    ['b', 'B'],
    ['(C)', 'C'],
    ['0', 'A'],
    ['3', 'D'],
    ['4', null],
    ['Marseille', 'C'],
    ['  nice ', 'D'],
    ['E', null],
    ['Toulouse', null]
  ]
  it.each(table)('%j → %j', (target, letter) => {
    expect(targetLetter(target, 'ABCD', FOUR)).toBe(letter)
  })
})

describe('choice scorer', () => {
  const cases: [string, string, string | string[], boolean, string | null][] = [
    ['letter target', 'The answer is B', 'B', true, 'B'],
    ['index target', 'The answer is B', '1', true, 'B'],
    ['text target', 'The answer is B', 'Lyon', true, 'B'],
    ['wrong letter', 'Answer: C', 'B', false, 'C'],
    ['several accepted targets', 'Answer: C', ['B', 'C'], true, 'C'],
    ['out-of-range letter is no answer', 'Answer: F', 'B', false, null],
    ['no letter', 'I cannot decide', 'A', false, null]
  ]
  it.each(cases)('%s', async (_label, response, target, passed, extracted) => {
    const score = await scoreWith(await scorerFrom({ type: 'choice' }), response, target, { choices: FOUR })
    expect(score).toMatchObject({ passed, value: passed ? 1 : 0, extracted })
  })

  it('reasons', async () => {
    const scorer = await scorerFrom({ type: 'choice' })
    expect((await scoreWith(scorer, 'Answer: C', '1', { choices: FOUR })).reason).toBe('answered C (answer statement), expected B')
    expect((await scoreWith(scorer, '(B)', 'B', { choices: FOUR })).reason).toBe('answered B (bare letter), as expected')
    expect((await scoreWith(scorer, 'hmm', 'B', { choices: FOUR })).reason).toBe('no choice letter (ABCD) found in "hmm"; expected B')
    expect((await scoreWith(scorer, 'A', 'Toulouse', { choices: FOUR })).reason).toMatch(/^target "Toulouse" names no choice/)
  })

  it('applies extract first', async () => {
    const scorer = await scorerFrom({ type: 'choice', extract: { pattern: '<answer>(.*?)</answer>' } })
    expect(await scoreWith(scorer, 'Thinking about (A)… <answer>C</answer>', 'C', { choices: FOUR })).toMatchObject({ passed: true, extracted: 'C' })
  })
})
