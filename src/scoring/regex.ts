/** The `regex` scorer: the answer matches a pattern. */
import { compilePattern, showPattern } from './_regex.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { quote } from './_util.js'

/**
 * Passes with value 1 when `pattern` (with `flags`) matches anywhere in the answer; anchor it with
 * `^…$` for a full match. The target is not used: the pattern is the expectation. The `g` and `y`
 * flags are dropped because they make `test()` stateful across calls.
 */
export const regexScorer: ScorerFactory<'regex'> = (config) => {
  const flags = config.flags.replace(/[gy]/g, '')
  const re = compilePattern(config.pattern, flags, 'pattern')
  const shown = showPattern(config.pattern, flags)
  return withExtract(config.extract, (answer) => {
    const match = re.exec(answer)
    if (match) return { value: 1, passed: true, extracted: answer, reason: `matches ${shown} at ${quote(match[0])}` }
    return { value: 0, passed: false, extracted: answer, reason: `${quote(answer)} does not match ${shown}` }
  })
}
