/**
 * The metric keys of `scores.json`, one flat key per metric. Scores are fractions (0.6058) in
 * files; reports turn them into percentages. Per-scorer, per-phase and per-tag keys are built
 * with the helpers below so every reader agrees on their spelling.
 */

export type MetricKind = 'fraction' | 'count' | 'ms' | 'tokens' | 'usd' | 'seconds'

export interface MetricInfo {
  key: string
  label: string
  kind: MetricKind
  /** Whether a higher value is an improvement (false for latency, cost, errors). */
  higherIsBetter: boolean
}

/** The headline metrics, in the order reports show them. */
export const HEADLINE_METRICS: readonly MetricInfo[] = [
  { key: 'score', label: 'Score', kind: 'fraction', higherIsBetter: true },
  { key: 'accuracy', label: 'Accuracy', kind: 'fraction', higherIsBetter: true },
  { key: 'exact_match', label: 'Exact match', kind: 'fraction', higherIsBetter: true },
  { key: 'answer_rate', label: 'Answer rate', kind: 'fraction', higherIsBetter: true },
  { key: 'error_rate', label: 'Error rate', kind: 'fraction', higherIsBetter: false },
  { key: 'latency_p50_ms', label: 'Latency p50', kind: 'ms', higherIsBetter: false },
  { key: 'latency_p95_ms', label: 'Latency p95', kind: 'ms', higherIsBetter: false },
  { key: 'tokens_total', label: 'Tokens', kind: 'tokens', higherIsBetter: false },
  { key: 'cost_usd', label: 'Cost', kind: 'usd', higherIsBetter: false },
  { key: 'duration_s', label: 'Duration', kind: 'seconds', higherIsBetter: false }
]

/**
 * Every key `aggregate()` writes besides the per-scorer/phase/tag ones:
 * n, errors, score, score_stderr, score_ci_low, score_ci_high, accuracy, accuracy_ci_low,
 * accuracy_ci_high, exact_match, answer_rate, error_rate, latency_mean_ms, latency_p50_ms,
 * latency_p95_ms, tokens_prompt, tokens_completion, tokens_total, cost_usd, duration_s.
 */
export type Scores = Record<string, number>

export const scorerKey = (name: string): string => `scorer.${name}`
export const phaseKey = (phase: string, metric: 'score' | 'accuracy' | 'n'): string => `phase.${phase}.${metric}`
export const tagKey = (tag: string, metric: 'score' | 'accuracy' | 'n'): string => `tag.${tag}.${metric}`
