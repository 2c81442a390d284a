/** The `includes` scorer: the target, or one of the targets, appears inside the answer. */
import { createNormalizer } from './normalize.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { describeTargets, quote, targetList } from './_util.js'

/**
 * Normalised containment (Inspect's `includes()`): passes with value 1 when any normalised target
 * is a substring of the normalised answer. An empty target never passes; everything contains
 * the empty string, which would make a blank target field a free point.
 */
export const includesScorer: ScorerFactory<'includes'> = (config) => {
  const normalize = createNormalizer(config.normalize)
  return withExtract(config.extract, (answer, { target }) => {
    const targets = targetList(target)
    const got = normalize(answer)
    const usable = targets.filter((t) => normalize(t) !== '')
    if (usable.length === 0) return { value: 0, passed: false, extracted: answer, reason: 'the target is empty after normalisation' }
    const hit = usable.find((t) => got.includes(normalize(t)))
    if (hit !== undefined) return { value: 1, passed: true, extracted: answer, reason: `answer contains ${quote(hit)}` }
    return { value: 0, passed: false, extracted: answer, reason: `${quote(answer)} does not contain ${describeTargets(usable)}` }
  })
}
