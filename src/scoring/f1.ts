/** The `f1` scorer: SQuAD-style token overlap between the answer and the target. */
import { createNormalizer } from './normalize.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { quote, targetList } from './_util.js'

// SQuAD's normalize_answer: lower case, no punctuation, no articles, single spaces.
const squadNormalize = createNormalizer({ case: true, whitespace: true, punctuation: true, articles: true })

/** The tokens SQuAD compares: the normalised text split on whitespace. */
export function squadTokens(text: string): string[] {
  const normalized = squadNormalize(text)
  return normalized === '' ? [] : normalized.split(' ')
}

/**
 * Token F1 of `prediction` against `reference` (SQuAD v2's `compute_f1`): the harmonic mean of
 * precision and recall over the multiset of shared tokens. When either side has no tokens, 1 if
 * both are empty and 0 otherwise.
 */
export function tokenF1(prediction: string, reference: string): number {
  const predicted = squadTokens(prediction)
  const expected = squadTokens(reference)
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0
  const counts = new Map<string, number>()
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1)
  let shared = 0
  for (const token of predicted) {
    const left = counts.get(token) ?? 0
    if (left > 0) {
      shared++
      counts.set(token, left - 1)
    }
  }
  if (shared === 0) return 0
  const precision = shared / predicted.length
  const recall = shared / expected.length
  return (2 * precision * recall) / (precision + recall)
}

/**
 * Token F1 with SQuAD normalisation; the value is the best F1 over the targets and the case passes
 * when it reaches `threshold` (default 0.5).
 */
export const f1Scorer: ScorerFactory<'f1'> = (config) =>
  withExtract(config.extract, (answer, { target }) => {
    const scored = targetList(target).map((t) => ({ target: t, f1: tokenF1(answer, t) }))
    const { target: closest, f1: best } = scored.reduce((a, b) => (b.f1 > a.f1 ? b : a), scored[0] ?? { target: '', f1: 0 })
    const passed = best >= config.threshold
    const shown = `F1 ${best.toFixed(3)} against ${quote(closest)}`
    return { value: best, passed, extracted: answer, reason: passed ? `${shown} ≥ ${config.threshold}` : `${shown} < ${config.threshold}` }
  })
