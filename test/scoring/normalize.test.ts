import { describe, expect, it } from 'vitest'
import { createNormalizer, normalizeText } from '../../src/scoring/normalize.js'
import type { NormalizeOptions } from '../../src/scoring/normalize.js'
import { ValidationError } from '../../src/errors.js'

describe('normalizeText', () => {
  const table: [string, NormalizeOptions, string][] = [
    ['  Paris\n ', {}, 'paris'],
    ['New   York\tCity', {}, 'new york city'],
    ['Paris', { case: false }, 'Paris'],
    ['  a  b ', { whitespace: false }, '  a  b '],
    ['Hello, world!', { punctuation: true }, 'hello world'],
    ['¿Qué tal?', { punctuation: true }, 'qué tal'],
    ['«Paris»', { punctuation: true }, 'paris'],
    ['$50 + 10%', { punctuation: true }, '50 10'],
    ['The cat and a dog', { articles: true }, 'cat and dog'],
    ['The cat', { articles: true, case: false }, 'cat'],
    ['theater another', { articles: true }, 'theater another'],
    // "the" next to a non-ASCII letter is part of a word, not an article.
    ['theá', { articles: true }, 'theá'],
    // Composed and decomposed é are the same text.
    ['cafe\u0301', {}, 'café'],
    ['The answer is 1,234.', { ignore: [',', '\\.$'] }, 'the answer is 1234'],
    // lm-eval GSM8K regexes_to_ignore, including the Python inline flag (?s).
    ['Step 1\nStep 2\n#### $1,234.', { ignore: [',', '\\$', '(?s).*#### ', '\\.$'] }, '1234'],
    ["The Answer: SQuAD's", { punctuation: true, articles: true }, 'answer squads']
  ]
  it.each(table)('%j with %j → %j', (text, options, expected) => {
    expect(normalizeText(text, options)).toBe(expected)
  })

  it('reuses a normaliser', () => {
    const normalize = createNormalizer({ punctuation: true })
    expect(['A.', 'b!'].map(normalize)).toEqual(['a', 'b'])
  })

  it('rejects an invalid ignore expression, naming it', () => {
    expect(() => createNormalizer({ ignore: ['ok', '(unclosed'] })).toThrow(ValidationError)
    expect(() => createNormalizer({ ignore: ['ok', '(unclosed'] })).toThrow(/normalize\.ignore\[1\].*\(unclosed/)
  })
})
