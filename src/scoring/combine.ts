/** Scoring one case with every configured scorer, and deciding its score and pass/fail. */
import type { Scoring } from '../environment/manifest.js'
import { BenchgenError, describeError } from '../errors.js'
import type { Score, ScoreInput, Scorer } from './types.js'
import { WEIGHTED } from './registry.js'
import { unitInterval } from './_util.js'

/** One case's outcome: every scorer's Score by name, and the case's score, verdict and answer. */
export interface CaseScore {
  scores: Record<string, Score>
  /** The primary scorer's value, or the weighted mean with `primary: weighted`. */
  score: number
  passed: boolean
  /** The primary scorer's extracted answer (the first scorer's with `primary: weighted`). */
  extracted: string | null
}

async function runScorer(scorer: Scorer, input: ScoreInput): Promise<Score> {
  try {
    const score = await scorer.score(input)
    // Values feed means and intervals: keep them in [0, 1] whatever a scorer returned.
    return { ...score, value: unitInterval(score.value), passed: score.passed === true }
  } catch (error) {
    return { value: 0, passed: false, extracted: null, reason: `scorer ${scorer.name} failed: ${describeError(error)}` }
  }
}

/**
 * Score one case with every scorer. A scorer that throws (a bad constraint list, a custom module
 * crashing) becomes a failed Score carrying the message; the case still gets a result.
 *
 * The primary is `scoring.primary` (a scorer name), else the first scorer: its value, verdict and
 * extracted answer are the case's. With `primary: weighted`, the score is the mean of all values
 * weighted by each scorer's `weight` (a plain mean when all weights are 0), passing at or above
 * `scoring.threshold`.
 */
export async function scoreCase(scorers: Scorer[], scoring: Scoring, input: ScoreInput): Promise<CaseScore> {
  const first = scorers[0]
  if (!first) throw new BenchgenError('scoreCase needs at least one scorer')
  const results = await Promise.all(scorers.map((s) => runScorer(s, input)))
  const scores: Record<string, Score> = {}
  scorers.forEach((s, i) => {
    scores[s.name] = results[i] as Score
  })

  if (scoring.primary === WEIGHTED) {
    const totalWeight = scorers.reduce((sum, s) => sum + s.weight, 0)
    const score =
      totalWeight > 0
        ? scorers.reduce((sum, s, i) => sum + s.weight * (results[i]?.value ?? 0), 0) / totalWeight
        : results.reduce((sum, r) => sum + r.value, 0) / results.length
    const value = unitInterval(score)
    // A hair of slack: 0.7 * 1 + 0.3 * 1 must pass threshold 1 despite binary rounding.
    return { scores, score: value, passed: value >= scoring.threshold - 1e-12, extracted: results[0]?.extracted ?? null }
  }

  const primaryName = scoring.primary ?? first.name
  const primary = scores[primaryName]
  if (!primary) throw new BenchgenError(`primary scorer "${primaryName}" is not among the scorers (${scorers.map((s) => s.name).join(', ')})`)
  return { scores, score: primary.value, passed: primary.passed, extracted: primary.extracted }
}
