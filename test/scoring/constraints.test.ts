import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { checkConstraint, parseConstraints } from '../../src/scoring/constraints.js'
import type { Constraint } from '../../src/scoring/constraints.js'
import { scoreWith, scorerFrom } from './_fixtures.js'

describe('checkConstraint', () => {
  const essay = 'First paragraph here.\n\nSecond paragraph, with a comma.\n  \nThird one.'
  const bullets = '* one\n* two\n- three\n+ four\n**bold** is not a bullet\n---\n  - indented five'
  const table: [Constraint, string, boolean][] = [
    [{ kind: 'min_words', count: 3 }, 'one two three', true],
    [{ kind: 'min_words', count: 4 }, 'one two three', false],
    [{ kind: 'min_words', count: 2 }, 'naïve café', true],
    [{ kind: 'max_words', count: 3 }, 'one, two; three!', true],
    [{ kind: 'max_words', count: 2 }, 'one two three', false],
    [{ kind: 'include_keywords', keywords: ['Paris', 'seine'] }, 'The Seine flows through PARIS.', true],
    [{ kind: 'include_keywords', keywords: ['Paris', 'Lyon'] }, 'Paris only', false],
    [{ kind: 'exclude_keywords', keywords: ['cat'] }, 'A category of dogs', true],
    [{ kind: 'exclude_keywords', keywords: ['cat'] }, 'The Cat sat', false],
    [{ kind: 'no_commas' }, 'No commas here.', true],
    [{ kind: 'no_commas' }, 'One, two', false],
    [{ kind: 'no_commas' }, '一，二', false],
    [{ kind: 'lowercase' }, 'all lower case 123.', true],
    [{ kind: 'lowercase' }, 'Not lower', false],
    [{ kind: 'lowercase' }, '123', false],
    [{ kind: 'uppercase' }, 'ALL CAPS!', true],
    [{ kind: 'uppercase' }, 'ALL CAPs', false],
    [{ kind: 'json_format' }, '{"a": [1, 2]}', true],
    [{ kind: 'json_format' }, '```json\n{"a": 1}\n```', true],
    [{ kind: 'json_format' }, '```\n[1, 2]\n```', true],
    [{ kind: 'json_format' }, 'Here you go: {"a": 1}', false],
    [{ kind: 'starts_with', text: 'Dear Sir' }, '  dear sir, hello', true],
    [{ kind: 'starts_with', text: 'Dear Sir' }, 'Hello', false],
    [{ kind: 'ends_with', text: 'Any other questions?' }, 'Bye. Any other questions?\n', true],
    [{ kind: 'ends_with', text: 'Any other questions?' }, 'Any other questions? Bye.', false],
    [{ kind: 'min_paragraphs', count: 3 }, essay, true],
    [{ kind: 'min_paragraphs', count: 4 }, essay, false],
    [{ kind: 'bullet_points', count: 5 }, bullets, true],
    [{ kind: 'bullet_points', count: 4 }, bullets, false],
    [{ kind: 'max_chars', count: 5 }, 'héllo', true],
    [{ kind: 'max_chars', count: 4 }, 'héllo', false],
    [{ kind: 'max_chars', count: 2 }, '😀😀', true],
    [{ kind: 'regex', pattern: '^Title: .+$', flags: 'm' }, 'Intro\nTitle: Hi', true],
    [{ kind: 'regex', pattern: '^Title: .+$', flags: '' }, 'Intro\nTitle: Hi', false]
  ]
  it.each(table)('%j on %j → %s', (constraint, text, ok) => {
    expect(checkConstraint(constraint, text).ok).toBe(ok)
  })
})

describe('parseConstraints', () => {
  it('accepts a list or its JSON text', () => {
    const list = [{ kind: 'no_commas' }, { kind: 'max_words', count: 5 }]
    expect(parseConstraints(list, 'constraints')).toEqual(list)
    expect(parseConstraints(JSON.stringify(list), 'constraints')).toEqual(list)
    expect(parseConstraints([{ kind: 'regex', pattern: 'x' }], 'c')).toEqual([{ kind: 'regex', pattern: 'x', flags: '' }])
  })

  it('names every bad entry by index, with the case location', () => {
    const bad = [{ kind: 'no_commas' }, { kind: 'min_words', count: 'ten' }, { kind: 'shout' }, { kind: 'regex', pattern: '(' }, { kind: 'lowercase', extra: 1 }]
    let error: unknown
    try {
      parseConstraints(bad, 'constraints', { file: 'data/test.jsonl', line: 7 })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ValidationError)
    const issues = (error as ValidationError).issues
    expect(issues.map((i) => i.field)).toEqual(['constraints[1].count', 'constraints[2].kind', 'constraints[3].pattern', 'constraints[4]'])
    expect(issues.every((i) => i.file === 'data/test.jsonl' && i.line === 7)).toBe(true)
    expect((error as Error).message).toContain('4 invalid constraints')
    expect((error as Error).message).toContain('data/test.jsonl:7: field "constraints[2].kind" unknown constraint kind "shout"')
  })

  it('rejects what is not a list', () => {
    expect(() => parseConstraints(undefined, 'constraints')).toThrow(/must be a list of constraints, received nothing/)
    expect(() => parseConstraints('{oops', 'constraints')).toThrow(/is not valid JSON/)
    expect(() => parseConstraints({ kind: 'no_commas' }, 'constraints')).toThrow(/must be a list/)
  })
})

describe('constraints scorer', () => {
  const row = {
    constraints: [
      { kind: 'min_words', count: 5 },
      { kind: 'no_commas' },
      { kind: 'ends_with', text: 'Done.' },
      { kind: 'lowercase' }
    ]
  }

  it('all satisfied', async () => {
    const score = await scoreWith(await scorerFrom({ type: 'constraints' }), 'this has more than five words. done.', '', { row })
    expect(score).toEqual({ value: 1, passed: true, extracted: 'this has more than five words. done.', reason: 'all 4 constraints satisfied' })
  })

  it('some failed: value is the fraction satisfied, the reason lists the failures', async () => {
    const score = await scoreWith(await scorerFrom({ type: 'constraints' }), 'Too short, really', '', { row })
    expect(score.value).toBe(0)
    expect(score.passed).toBe(false)
    const half = await scoreWith(await scorerFrom({ type: 'constraints' }), 'this has enough words, no? done.', '', { row })
    expect(half.value).toBe(0.75)
    expect(half.reason).toBe('3/4 constraints satisfied; failed [1] no_commas: 1 comma')
  })

  it('reads another field, dotted paths included', async () => {
    const scorer = await scorerFrom({ type: 'constraints', field: 'meta.rules' })
    const score = await scoreWith(scorer, 'ok', '', { row: { meta: { rules: [{ kind: 'max_words', count: 1 }] } } })
    expect(score.passed).toBe(true)
  })

  it('an empty list passes', async () => {
    expect(await scoreWith(await scorerFrom({ type: 'constraints' }), 'x', '', { row: { constraints: [] } })).toMatchObject({ value: 1, passed: true })
  })

  it('a bad list throws a ValidationError naming the entry', async () => {
    const scorer = await scorerFrom({ type: 'constraints' })
    await expect(async () => scoreWith(scorer, 'x', '', { row: { constraints: [{ kind: 'max_words' }] } })).rejects.toThrow(/constraints\[0\]\.count/)
  })
})
