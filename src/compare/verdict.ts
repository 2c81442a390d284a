/**
 * The sentence a reader takes away from a two-run comparison. It only says "better" or "worse"
 * when the paired test says the difference is more than chance, and always shows the size of
 * the change with its interval and the p-value, so a reader can judge both.
 */
import { formatDelta, formatInterval, formatPValue } from '../report/format.js'
import type { CompareVerdict, PairTest } from './types.js'

/** Confidence level of the paired interval (fixed by diffRuns). */
const LEVEL = 0.95

/**
 * The verdict on `test.b` (the candidate) against `test.a` (the baseline) at `alpha`, using the
 * raw McNemar p-value (a two-run comparison tests one pair, so there is nothing to correct):
 *
 * - `B is better by 4.0 pp (95% CI +1.2 pp to +6.8 pp), p = 0.0039`
 * - `No significant difference: B − A = +1.0 pp (95% CI -1.1 pp to +3.1 pp), p = 0.42 (α = 0.05)`
 * - `B passes more cases than A (12 fixed, 2 regressed, p = 0.013), but its mean score changes by
 *   -0.3 pp (95% CI …): no clear winner` when scores are partial and disagree with the flips.
 *
 * The change is the mean per-case change over the paired cases (it matches its interval), else
 * the headline score change.
 */
export function verdictOf(test: PairTest, alpha: number): CompareVerdict {
  const { a, b } = test
  const delta = test.pairedDelta?.mean ?? test.scoreDelta
  if (test.pValue === null) {
    return { kind: 'untestable', delta, text: `Cannot test the difference: no case is in both ${a} and ${b}` }
  }
  const ci = formatInterval(test.pairedDelta, 'fraction', { delta: true, level: LEVEL })
  const interval = ci === 'n/a' ? `${Math.round(LEVEL * 100)}% CI n/a` : ci
  const p = formatPValue(test.pValue)
  if (!(test.pValue < alpha)) {
    return { kind: 'no-difference', delta, text: `No significant difference: ${b} − ${a} = ${formatDelta(delta, 'fraction')} (${interval}), ${p} (α = ${alpha})` }
  }
  // p < alpha implies fixed ≠ regressed: equal counts give p = 1.
  const up = test.fixed > test.regressed
  const agrees = delta !== null && formatDelta(delta, 'fraction') !== formatDelta(0, 'fraction') && delta > 0 === up
  if (agrees) {
    return { kind: up ? 'better' : 'worse', delta, text: `${b} is ${up ? 'better' : 'worse'} by ${points(delta)} (${interval}), ${p}` }
  }
  return {
    kind: 'mixed',
    delta,
    text: `${b} passes ${up ? 'more' : 'fewer'} cases than ${a} (${test.fixed} fixed, ${test.regressed} regressed, ${p}), but its mean score changes by ${formatDelta(delta, 'fraction')} (${interval}): no clear winner`
  }
}

/** A change's size without its sign: 0.04 → `4.0 pp`. */
function points(delta: number): string {
  return `${Math.abs(delta * 100).toFixed(1)} pp`
}
