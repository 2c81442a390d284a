/** The `exact` scorer: the answer equals the target, or one of the targets, after normalisation. */
import { createNormalizer } from './normalize.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { describeTargets, quote, targetList } from './_util.js'

/**
 * Normalised equality (Inspect's `exact()`, lm-eval's `exact_match`). Passes with value 1 when the
 * normalised answer equals any normalised target; `normalize` defaults to ignoring case and
 * surrounding/repeated whitespace.
 */
export const exactScorer: ScorerFactory<'exact'> = (config) => {
  const normalize = createNormalizer(config.normalize)
  return withExtract(config.extract, (answer, { target }) => {
    const targets = targetList(target)
    const got = normalize(answer)
    const hit = targets.find((t) => normalize(t) === got)
    if (hit !== undefined) return { value: 1, passed: true, extracted: answer, reason: `${quote(answer)} matches target ${quote(hit)}` }
    return { value: 0, passed: false, extracted: answer, reason: `${quote(answer)} does not match ${describeTargets(targets)}` }
  })
}
