/**
 * What every scorer factory shares: its signature, the context it is built with, and the extract
 * step each one applies before comparing.
 */
import type { Extract as ExtractConfig, ScorerConfig } from '../environment/manifest.js'
import type { Score, ScoreFn, ScoreInput } from './types.js'
import { showPattern } from './_regex.js'
import { createExtractor } from './extract.js'

/** What a scorer may need beyond its own configuration. */
export interface ScorerContext {
  /** Folder holding the environment's files; custom scorer paths are relative to it. */
  root: string
}

/** The manifest's scorer `type`s. */
export type ScorerType = ScorerConfig['type']

/** The parsed manifest entry of one scorer type. */
export type ScorerConfigOf<T extends ScorerType> = Extract<ScorerConfig, { type: T }>

/**
 * Builds a scorer's ScoreFn from its manifest entry, once per run. Factories compile patterns and
 * load modules here so configuration mistakes surface before the first case (as ValidationErrors).
 */
export type ScorerFactory<T extends ScorerType> = (config: ScorerConfigOf<T>, ctx: ScorerContext) => ScoreFn | Promise<ScoreFn>

/** How a scorer compares an answer (the extracted one, or the whole response). */
export type CompareFn = (answer: string, input: ScoreInput) => Score | Promise<Score>

/**
 * Wrap `compare` with the optional extract step. With no `extract`, the whole response is the
 * answer. When extraction finds nothing (and there is no fallback) the score is 0 with
 * `extracted: null` and the reason names the pattern, so a reviewer sees a format problem rather
 * than a wrong answer.
 */
export function withExtract(extract: ExtractConfig | undefined, compare: CompareFn): ScoreFn {
  if (!extract) return (input) => compare(input.response, input)
  const extractor = createExtractor(extract)
  const shown = showPattern(extract.pattern, extract.flags)
  return (input) => {
    const answer = extractor(input.response)
    if (answer === null) return { value: 0, passed: false, extracted: null, reason: `no answer found matching ${shown}` }
    return compare(answer, input)
  }
}
