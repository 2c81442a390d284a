import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

describe('regex scorer', () => {
  const table: [string, Record<string, unknown>, string, boolean][] = [
    ['matches anywhere', { pattern: '\\bParis\\b' }, 'It is Paris, France', true],
    ['no match', { pattern: '\\bParis\\b' }, 'Parisian', false],
    ['anchored', { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, '2024-01-31', true],
    ['anchored, extra text', { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, 'Date: 2024-01-31', false],
    ['flags', { pattern: '^yes$', flags: 'i' }, 'YES', true],
    ['g flag dropped, so repeated calls agree', { pattern: 'a', flags: 'g' }, 'a', true],
    ['after extraction', { pattern: '^[A-D]$', extract: { pattern: 'Answer: (\\S+)' } }, 'Answer: C', true]
  ]
  it.each(table)('%s', async (_label, config, response, passed) => {
    const scorer = await scorerFrom({ type: 'regex', ...config })
    // Twice: a stateful (global) expression would fail the second call.
    for (let i = 0; i < 2; i++) expect((await scoreWith(scorer, response, 'unused')).passed).toBe(passed)
  })

  it('reasons quote the match or the answer', async () => {
    const scorer = await scorerFrom({ type: 'regex', pattern: '\\d+' })
    expect((await scoreWith(scorer, 'It is 42', '')).reason).toBe('matches /\\d+/ at "42"')
    expect((await scoreWith(scorer, 'none', '')).reason).toBe('"none" does not match /\\d+/')
  })

  it('rejects an invalid pattern when built, naming the scorer', async () => {
    await expect(scorerFrom({ type: 'regex', pattern: '(' })).rejects.toThrow(ValidationError)
    await expect(scorerFrom({ type: 'regex', pattern: '(' })).rejects.toThrow(/scoring\.scorers\[0\]\.pattern.*invalid regular expression/)
  })
})
