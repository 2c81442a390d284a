/**
 * The shapes of a comparison between a baseline run and a head run. Plain data (no class, no
 * function) so a diff can be written as JSON, rendered by any reporter and asserted in tests.
 */
import type { CaseRecord } from '../run/record.js'
import type { RunInfo } from '../run/run-info.js'
import type { MetricKind, Scores } from '../scoring/metrics.js'

/** One finished run as the diff sees it: `run.json`, `scores.json` and `results.jsonl`. */
export interface RunResult {
  info: RunInfo
  scores: Scores
  records: CaseRecord[]
}

/** When a head run counts as a regression. */
export interface GateOptions {
  /**
   * Largest tolerated drop of the headline score, in percentage points (2 = a drop from 60.0% to
   * 58.0% passes, to 57.9% does not, if also significant).
   */
  maxDrop: number
  /** Absolute floor for the head's score, as a fraction (0.5 = 50%); unset = no floor. */
  minScore?: number
  /** Significance level for the McNemar test on flipped cases; 0.05 is the usual choice. */
  alpha: number
  /**
   * Compare runs whose environment hashes differ (the data, manifest or scorers changed) instead
   * of failing with verdict `error`. Default false: such scores are not comparable.
   */
  allowHashMismatch?: boolean
}

/**
 * - `pass`: no significant drop beyond `maxDrop`, and above the floor.
 * - `regressed`: a significant drop beyond `maxDrop`, or below `minScore`.
 * - `error`: the comparison cannot be trusted (head only errored, environment hashes differ).
 * - `no-baseline`: nothing to compare with; only the floor and errors were checked.
 */
export type Verdict = 'pass' | 'regressed' | 'error' | 'no-baseline'

/** Whether a change is good, bad or nothing, given which way the metric should go. */
export type Direction = 'improved' | 'regressed' | 'unchanged' | 'unknown'

/** One headline metric before and after. */
export interface MetricDelta {
  key: string
  label: string
  kind: MetricKind
  higherIsBetter: boolean
  /** `null` when the run did not report the metric. */
  base: number | null
  head: number | null
  /** head - base in the metric's own unit (fractions stay fractions); null when either is missing. */
  delta: number | null
  direction: Direction
  /** 95% interval of each side, when the run wrote `<key>_ci_low`/`_ci_high` (score, accuracy). */
  baseInterval: Interval | null
  headInterval: Interval | null
}

/** Bounds of a confidence interval. */
export interface Interval {
  low: number
  high: number
}

/** A case that changed between pass and not-pass, with both of its records. */
export interface Flip {
  /** `${phase}/${id}`, the pairing key. */
  key: string
  base: CaseRecord
  head: CaseRecord
  /** head.score - base.score; negative for regressions. */
  scoreDelta: number
}

/** A phase's or tag's score before and after. */
export interface GroupDelta {
  name: string
  base: number | null
  head: number | null
  delta: number | null
  /** Cases in the group in each run. */
  baseN: number
  headN: number
  direction: Direction
}

/** Mean of paired score differences (head - base) with its confidence interval. */
export interface PairedDelta {
  mean: number
  low: number
  high: number
  /** Confidence level of [low, high]. */
  level: number
}

/** Cases present in one run only; they are not in the flips or the McNemar test. */
export interface UnpairedCounts {
  onlyInBase: number
  onlyInHead: number
}

/** Set by `acknowledge()` when a regression was accepted on purpose (e.g. a PR label). */
export interface Acknowledgement {
  /** Who or what accepted it, e.g. the label `accept-regression`. */
  label: string
  /** The verdict before acknowledgement; always `regressed` today. */
  previousVerdict: Verdict
}

/** Everything the reporters and the gate need to know about base vs head. */
export interface RunDiff {
  verdict: Verdict
  /** Why, in plain words, one sentence each; never empty. */
  reasons: string[]
  /** Present when a regression was accepted; `verdict` is then `pass`. */
  acknowledged: Acknowledgement | null
  base: RunResult['info'] | null
  head: RunResult['info']
  gate: GateOptions
  /** Headline score of each run (fraction), as used by the gate. */
  baseScore: number | null
  headScore: number | null
  /** Headline metrics reported by either run, in HEADLINE_METRICS order. */
  metrics: MetricDelta[]
  /** Cases that went from pass to fail/error, worst (largest score drop) first. */
  regressed: Flip[]
  /** Cases that went from fail/error to pass, largest gain first. */
  fixed: Flip[]
  /** Cases present in both runs. */
  paired: number
  unpaired: UnpairedCounts
  /** Two-sided exact McNemar p-value on the flips; null without paired cases. */
  pValue: number | null
  /** Paired interval of the per-case score change; null with fewer than two paired cases. */
  pairedDelta: PairedDelta | null
  phases: GroupDelta[]
  tags: GroupDelta[]
  /** The environment hashes differ: data, manifest or scorers changed between the runs. */
  hashMismatch: boolean
}
