/** Headline metric changes between two `scores.json`, shared by the diff and the score tables. */
import { HEADLINE_METRICS } from '../scoring/metrics.js'
import type { Scores } from '../scoring/metrics.js'
import { directionOf } from './direction.js'
import type { MetricDelta } from './types.js'

/**
 * One row per headline metric that either side reports, in HEADLINE_METRICS order. A metric's
 * interval is read from `<key>_ci_low` / `<key>_ci_high` when the run wrote them (score and
 * accuracy do).
 */
export function metricDeltas(base: Scores | null, head: Scores): MetricDelta[] {
  const out: MetricDelta[] = []
  for (const metric of HEADLINE_METRICS) {
    const b = base ? finiteOrNull(base[metric.key]) : null
    const h = finiteOrNull(head[metric.key])
    if (b === null && h === null) continue
    const delta = b === null || h === null ? null : h - b
    out.push({
      ...metric,
      base: b,
      head: h,
      delta,
      direction: directionOf(delta, metric.higherIsBetter),
      baseInterval: base ? intervalOf(base, metric.key) : null,
      headInterval: intervalOf(head, metric.key)
    })
  }
  return out
}

function intervalOf(scores: Scores, key: string): { low: number; high: number } | null {
  const low = finiteOrNull(scores[`${key}_ci_low`])
  const high = finiteOrNull(scores[`${key}_ci_high`])
  return low === null || high === null ? null : { low, high }
}

/** A finite number, or null for a missing key or a NaN/Infinity that slipped into a file. */
export const finiteOrNull = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null
