import type { EnvCase, Target } from '../environment/types.js'

/** What one scorer says about one response. */
export interface Score {
  /** 0..1 */
  value: number
  passed: boolean
  /** The answer the scorer compared (after extraction), or null when none could be found. */
  extracted: string | null
  /** Why it passed or failed, in words a reviewer reads. */
  reason: string
}

export interface ScoreInput {
  response: string
  target: Target
  case: EnvCase
}

export type ScoreFn = (input: ScoreInput) => Score | Promise<Score>

/** A configured scorer: built once per run from its manifest entry. */
export interface Scorer {
  name: string
  type: string
  weight: number
  score: ScoreFn
}
