import { describe, expect, it } from 'vitest'
import { MAX_SCAN_CHARS, createExtractor, extractAnswer } from '../../src/scoring/extract.js'
import type { ExtractOptions } from '../../src/scoring/extract.js'
import { ValidationError } from '../../src/errors.js'

// lm-evaluation-harness gsm8k.yaml filter_list, verbatim (the YAML's escaped backslashes undone).
const STRICT: ExtractOptions = { pattern: '#### (\\-?[0-9\\.\\,]+)', select: 'first', fallback: '[invalid]' }
const FLEXIBLE: ExtractOptions = { pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)', select: 'last', fallback: '[invalid]' }

describe('extractAnswer: GSM8K strict-match vs flexible-extract', () => {
  // Expected values produced by lm-eval's RegexFilter (Python re.findall) on the same inputs.
  const table: [string, string, string][] = [
    ['The answer is $1,234.', '[invalid]', '$1,234.'],
    ['#### 18', '18', '18'],
    ['...so 5 + 3 = 8 apples.\n#### 8', '8', '8'],
    ['Janet has 16 - 3 - 4 = 9 eggs. She makes 9 * $2 = $18.\n#### 18', '18', '18'],
    ['I think it is -5', '[invalid]', '-5'],
    ['No numbers here', '[invalid]', '[invalid]'],
    ['#### -1,000.50 dollars', '-1,000.50', '-1,000.50'],
    ['Total: 3.5 hours, i.e. 210 minutes.', '[invalid]', '210'],
    ['#### 18\n#### 19', '18', '19'],
    ['The result: .5', '[invalid]', '.5'],
    // Faithful to lm-eval, odd as it is: an ellipsis is a two-character match of [$0-9.,].
    ["I'm not sure...", '[invalid]', '...']
  ]
  it.each(table)('%j → strict %j, flexible %j', (response, strict, flexible) => {
    expect(extractAnswer(response, STRICT)).toBe(strict)
    expect(extractAnswer(response, FLEXIBLE)).toBe(flexible)
  })
})

describe('extractAnswer: selection, groups and fallback', () => {
  const table: [string, ExtractOptions, string, string | null][] = [
    ['no groups: whole match', { pattern: '\\d+' }, 'a 1 b 22 c 333', '1'],
    ['last', { pattern: '\\d+', select: 'last' }, 'a 1 b 22 c 333', '333'],
    ['index 1', { pattern: '\\d+', select: 1 }, 'a 1 b 22 c 333', '22'],
    ['index -2', { pattern: '\\d+', select: -2 }, 'a 1 b 22 c 333', '22'],
    ['index out of range → null', { pattern: '\\d+', select: 5 }, 'a 1 b 22', null],
    ['negative out of range → fallback', { pattern: '\\d+', select: -5, fallback: 'x' }, 'a 1', 'x'],
    ['no match → null', { pattern: 'ANSWER: (\\w+)' }, 'nothing', null],
    ['no match → fallback', { pattern: 'ANSWER: (\\w+)', fallback: '[invalid]' }, 'nothing', '[invalid]'],
    ['first non-empty group', { pattern: '(A)|(B)' }, 'xx B', 'B'],
    ['configured group', { pattern: '(\\w+)=(\\w+)', group: 2 }, 'k=v', 'v'],
    ['group 0 is the whole match', { pattern: '(\\w+)=(\\w+)', group: 0 }, 'k=v', 'k=v'],
    ['configured group that did not participate → fallback', { pattern: '(a)|(b)', group: 1, fallback: 'none' }, 'b', 'none'],
    ['result is trimmed', { pattern: 'Answer:(.*)' }, 'Answer:   Paris  ', 'Paris'],
    ['flags: case-insensitive', { pattern: 'answer: (\\w+)', flags: 'i' }, 'ANSWER: B', 'B'],
    ['flags: dotAll', { pattern: 'start(.*)end', flags: 's' }, 'start\nmid\nend', 'mid'],
    ['Python named group', { pattern: '(?P<ans>\\d+) apples' }, '3 apples', '3'],
    ['Python inline flag', { pattern: '(?i)answer: (\\w)' }, 'ANSWER: C', 'C']
  ]
  it.each(table)('%s', (_label, options, response, expected) => {
    expect(extractAnswer(response, options)).toBe(expected)
  })

  it('scans only the head for first, only the tail for last', () => {
    const long = `FIRST 1 ${'x'.repeat(MAX_SCAN_CHARS * 2)} LAST 2`
    expect(extractAnswer(long, { pattern: '(FIRST|LAST) (\\d)', group: 2 })).toBe('1')
    expect(extractAnswer(long, { pattern: '(FIRST|LAST) (\\d)', group: 2, select: 'last' })).toBe('2')
  })

  it('finishes quickly with exponential and quadratic patterns (g/m/s flags)', () => {
    const started = Date.now()
    // Without the backtrack guard, (a+)+b never returns on 40 characters; \d+\s*$ takes ~15 s on 100k.
    expect(extractAnswer(`${'a'.repeat(MAX_SCAN_CHARS * 5)}!`, { pattern: '(a+)+b' })).toBeNull()
    expect(extractAnswer(`${'1'.repeat(MAX_SCAN_CHARS * 5)}x`, { pattern: '\\d+\\s*$', select: 'last' })).toBeNull()
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('rejects invalid patterns and missing groups when built', () => {
    expect(() => createExtractor({ pattern: '([' })).toThrow(ValidationError)
    expect(() => createExtractor({ pattern: '(\\d+)', group: 2 })).toThrow(/group 2 does not exist.*1 capture group/)
    expect(() => createExtractor({ pattern: '(?x) \\d' })).toThrow(/verbose flag/)
  })
})
