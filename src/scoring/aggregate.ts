/** From per-case records to the flat metrics of `scores.json`. */
import type { CaseRecord } from '../run/record.js'
import type { Scores } from './metrics.js'
import { phaseKey, scorerKey, tagKey } from './metrics.js'
import { createNormalizer } from './normalize.js'
import { mean, meanInterval, percentile, stderr, wilsonInterval } from './stats.js'
import { targetList, unitInterval } from './_util.js'

/** Options of aggregate(). */
export interface AggregateOptions {
  /** Wall-clock duration of the run, written as `duration_s`. */
  durationMs: number
}

// exact_match is a fixed, comparable metric: it ignores the manifest's normalisation settings.
const matchNormalize = createNormalizer({ case: true, whitespace: true })

/** A case's score for averages: an error scores 0, whatever its record says. */
const caseScore = (r: CaseRecord): number => (r.status === 'error' ? 0 : unitInterval(r.score))

function isExactMatch(r: CaseRecord): boolean {
  const answer = r.extracted ?? r.response
  if (answer === null || r.status === 'error') return false
  const got = matchNormalize(answer)
  return targetList(r.target).some((t) => matchNormalize(t) === got)
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0)
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0)
// Code-unit order, not localeCompare: key order must not depend on the machine's locale.
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function groupMetrics(records: CaseRecord[]): { score: number; accuracy: number; n: number } {
  return {
    score: mean(records.map(caseScore)),
    accuracy: ratio(records.filter((r) => r.status === 'pass').length, records.length),
    n: records.length
  }
}

function groupBy(records: CaseRecord[], keys: (r: CaseRecord) => string[]): [string, CaseRecord[]][] {
  const groups = new Map<string, CaseRecord[]>()
  for (const r of records) {
    for (const key of new Set(keys(r))) {
      const list = groups.get(key)
      if (list) list.push(r)
      else groups.set(key, [r])
    }
  }
  return [...groups.entries()].sort(([a], [b]) => byCodeUnit(a, b))
}

/**
 * The metrics of a run, as documented in metrics.ts, in a fixed key order: the headline keys,
 * then `scorer.<name>`, `phase.<p>.score|accuracy|n` and `tag.<t>.score|accuracy|n`, each group
 * sorted by name.
 *
 * - `score`: mean case score, errors counting 0; `score_stderr` and `score_ci_low/high` (Wilson
 *   for 0/1 scores, else normal, 95%).
 * - `accuracy`: passed cases / n, with a 95% Wilson interval.
 * - `exact_match`: cases whose extracted answer (else response) equals a target, ignoring case
 *   and whitespace, / n.
 * - `answer_rate`: cases without error with a non-blank extracted answer / n; `error_rate`: errors / n.
 * - `latency_*_ms`: over cases that got a response (no error); failed calls, with their retries
 *   and timeouts, would distort the model's latency.
 * - `tokens_*`: sums over the cases that reported usage; left out when none did, so an
 *   endpoint that reports no usage reads as unknown, not as free. `cost_usd`: likewise, over the
 *   cases with a known cost (usage and prices).
 * - `scorer.<name>`: the scorer's mean value, errors and missing scores counting 0.
 *
 * No records give n 0 and zeros everywhere; no key is ever NaN.
 */
export function aggregate(records: CaseRecord[], opts: AggregateOptions): Scores {
  const n = records.length
  const scores = records.map(caseScore)
  const errors = records.filter((r) => r.status === 'error').length
  const passed = records.filter((r) => r.status === 'pass').length
  const scoreCi = meanInterval(scores)
  const accuracyCi = wilsonInterval(passed, n)
  const answered = records.filter((r) => r.status !== 'error' && r.extracted !== null && r.extracted.trim() !== '').length
  const latencies = records.filter((r) => r.status !== 'error' && r.response !== null).map((r) => r.latencyMs)
  const promptTokens = sum(records.map((r) => r.usage?.promptTokens ?? 0))
  const completionTokens = sum(records.map((r) => r.usage?.completionTokens ?? 0))

  const out: Scores = {
    n,
    errors,
    score: mean(scores),
    score_stderr: stderr(scores),
    score_ci_low: scoreCi.low,
    score_ci_high: scoreCi.high,
    accuracy: ratio(passed, n),
    accuracy_ci_low: accuracyCi.low,
    accuracy_ci_high: accuracyCi.high,
    exact_match: ratio(records.filter(isExactMatch).length, n),
    answer_rate: ratio(answered, n),
    error_rate: ratio(errors, n),
    latency_mean_ms: mean(latencies),
    latency_p50_ms: percentile(latencies, 50),
    latency_p95_ms: percentile(latencies, 95),
    ...(records.some((r) => r.usage !== null) ? { tokens_prompt: promptTokens, tokens_completion: completionTokens, tokens_total: promptTokens + completionTokens } : {}),
    ...(records.some((r) => r.costUsd !== null) ? { cost_usd: sum(records.map((r) => r.costUsd ?? 0)) } : {}),
    duration_s: opts.durationMs / 1000
  }

  const scorerNames = [...new Set(records.flatMap((r) => Object.keys(r.scores)))].sort(byCodeUnit)
  for (const name of scorerNames) out[scorerKey(name)] = mean(records.map((r) => (r.status === 'error' ? 0 : unitInterval(r.scores[name]?.value ?? 0))))

  for (const [phase, group] of groupBy(records, (r) => [r.phase])) {
    const m = groupMetrics(group)
    out[phaseKey(phase, 'score')] = m.score
    out[phaseKey(phase, 'accuracy')] = m.accuracy
    out[phaseKey(phase, 'n')] = m.n
  }
  for (const [tag, group] of groupBy(records, (r) => r.tags ?? [])) {
    const m = groupMetrics(group)
    out[tagKey(tag, 'score')] = m.score
    out[tagKey(tag, 'accuracy')] = m.accuracy
    out[tagKey(tag, 'n')] = m.n
  }

  // A corrupt record (NaN latency, Infinity cost) must not put NaN into JSON, where it becomes null.
  for (const key of Object.keys(out)) if (!Number.isFinite(out[key])) out[key] = 0
  return out
}
