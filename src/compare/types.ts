/**
 * The shapes of `benchgen compare`: two or more runs of one environment, ranked, tested pair by
 * pair, and (for exactly two runs) compared metric by metric and case by case. Plain data, so a
 * comparison can be rendered as markdown or HTML, or written as JSON (see `json.ts`).
 */
import type { Flip, GroupDelta, Interval, MetricDelta, PairedDelta, RunResult } from '../diff/types.js'

/** One run as compare reads it: a run folder's files, and where they came from. */
export interface CompareInput extends RunResult {
  /** The run folder, for people to tell runs of the same model apart. Default: none. */
  dir?: string
}

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /**
   * Significance level of the McNemar tests, after Holm's correction when more than one pair is
   * tested. Default 0.05.
   */
  alpha?: number
  /**
   * Compare runs whose environment hashes differ (the data, manifest or scorers changed). Default
   * false: such runs are refused, because their scores do not measure the same thing. Runs of
   * differently named environments are refused whatever this says.
   */
  allowHashMismatch?: boolean
}

/** What a comparison shows about one run. The base URL is left out: it can name internal hosts. */
export interface ComparedRun {
  /** `A`, `B`, `C`, … in the order the runs were given; A is the baseline of a two-run comparison. */
  label: string
  dir: string | null
  environment: { name: string; version: string; hash: string }
  model: { key: string; name: string }
  git: { sha?: string; ref?: string }
  startedAt: string
  /** Cases in the run's results. */
  n: number
  /** Headline score (fraction): scores.json's `score`, else the mean of the case scores. */
  score: number | null
  /** 95% interval of the score: scores.json's `score_ci_low/high`, else computed from the cases. */
  interval: Interval | null
  /** The run's scores.json, for the per-metric tables. */
  scores: Record<string, number>
}

/** The paired test of one pair of runs; `a` is the earlier run given, `b` the later. */
export interface PairTest {
  /** Labels of the two runs. Changes are `b − a`. */
  a: string
  b: string
  /** Cases in both runs (paired by phase and id). */
  paired: number
  onlyInA: number
  onlyInB: number
  /** Paired cases that passed in `a` and not in `b` (McNemar's b). */
  regressed: number
  /** Paired cases that did not pass in `a` and passed in `b` (McNemar's c). */
  fixed: number
  /** Two-sided exact McNemar p-value; null when no case is in both runs. */
  pValue: number | null
  /** Holm-adjusted p-value over every tested pair of the comparison; equals `pValue` for one pair. */
  adjustedP: number | null
  /** `adjustedP < alpha`. */
  significant: boolean
  /** Headline score of `b` minus that of `a`; null when either is missing. */
  scoreDelta: number | null
  /** Mean per-case score change `b − a` over the paired cases, with its 95% interval. */
  pairedDelta: PairedDelta | null
}

/**
 * - `better` / `worse`: the McNemar test is significant, and the mean score moved the same way
 *   as the flips;
 * - `mixed`: significant flips one way, the mean score the other (possible with partial scores);
 * - `no-difference`: not significant at `alpha`;
 * - `untestable`: no case is in both runs.
 */
export type VerdictKind = 'better' | 'worse' | 'mixed' | 'no-difference' | 'untestable'

/** The two-run verdict, about B (the candidate) against A (the baseline). */
export interface CompareVerdict {
  kind: VerdictKind
  /** One honest sentence, e.g. "B is better by 4.0 pp (95% CI +1.2 pp to +6.8 pp), p = 0.0039". */
  text: string
  /** The change the sentence names (fraction): the paired mean when known, else the score delta. */
  delta: number | null
}

/** McNemar's 2×2 table of paired cases, pass against not-pass (fail or error). */
export interface FlipTable {
  bothPass: number
  /** b: A passed, B did not. */
  regressed: number
  /** c: A did not pass, B did. */
  fixed: number
  bothNotPass: number
}

/** Everything about A against B when exactly two runs are compared. */
export interface PairDetail {
  verdict: CompareVerdict
  test: PairTest
  table: FlipTable
  /** Headline metrics of either run with each run's own interval; `base` is A, `head` is B. */
  metrics: MetricDelta[]
  phases: GroupDelta[]
  tags: GroupDelta[]
  /** Cases that went from not-pass in A to pass in B, largest gain first. */
  fixed: Flip[]
  /** Cases that went from pass in A to not-pass in B, largest drop first. */
  regressed: Flip[]
}

/** A run's place in the ranking. */
export interface RankedRun {
  /** 1 for the best score; equal scores share a rank (1, 1, 3). */
  rank: number
  label: string
  score: number | null
  interval: Interval | null
  /** The test against the top-ranked run; null for the top run itself. */
  vsLeader: { pValue: number | null; adjustedP: number | null; significant: boolean } | null
}

/** The result of {@link compareRuns}. */
export interface Comparison {
  schemaVersion: 1
  /** Name of the environment every run was evaluated on. */
  environment: string
  /** Whether the runs' environment hashes differ (only possible with `allowHashMismatch`). */
  hashMismatch: boolean
  alpha: number
  /** Confidence level of every interval shown. */
  level: number
  /** Caveats a reader must see next to the verdict, one sentence each. */
  notes: string[]
  /** In the order given. */
  runs: ComparedRun[]
  /** Best score first. */
  ranking: RankedRun[]
  /** Every pair (i < j in the order given), Holm-corrected together. */
  pairs: PairTest[]
  /** Only when exactly two runs are compared. */
  detail: PairDetail | null
}
