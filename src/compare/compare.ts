/**
 * `benchgen compare` as a pure function: runs in, a {@link Comparison} out. Every pair of runs
 * goes through the regression diff (`diffRuns`), so the numbers here are the numbers a PR comment
 * shows; this module adds what comparing several models needs: the Holm correction across pairs,
 * a ranking, and an honest verdict for two runs.
 */
import { diffRuns } from '../diff/diff.js'
import { pairRecords } from '../diff/pairing.js'
import type { RunDiff } from '../diff/types.js'
import { ValidationError } from '../errors.js'
import { mean, meanInterval } from '../scoring/stats.js'
import { checkComparable } from './check.js'
import { holmAdjust } from './holm.js'
import { labelFor } from './text.js'
import { rankRuns } from './rank.js'
import type { CompareInput, CompareOptions, ComparedRun, Comparison, FlipTable, PairDetail, PairTest } from './types.js'
import { verdictOf } from './verdict.js'

/** Default significance level. */
export const DEFAULT_ALPHA = 0.05
/** Confidence level of every interval (the diff's paired interval and scores.json's are 95%). */
const LEVEL = 0.95

/**
 * Compare two or more runs of one environment.
 *
 * - Refuses (IncomparableRunsError) runs of different environments, and runs whose environment
 *   hashes differ unless `allowHashMismatch`; throws a ValidationError for fewer than two runs or
 *   an alpha outside (0, 1).
 * - Tests every pair with the exact McNemar test on its flipped cases and corrects the p-values
 *   with Holm's method for the number of pairs (one pair: no correction).
 * - Ranks the runs by score.
 * - For exactly two runs, A (the first) is the baseline and B the candidate: `detail` holds the
 *   verdict, per-metric, per-phase and per-tag changes, and the fixed and regressed cases.
 */
export function compareRuns(runs: readonly CompareInput[], options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA
  checkOptions(runs.length, alpha)
  const compared = runs.map((run, index) => comparedRun(run, labelFor(index)))
  const { hashMismatch, notes } = checkComparable(compared, options.allowHashMismatch === true)

  const diffs: { i: number; j: number; diff: RunDiff }[] = []
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      // maxDrop 0: the gate's own verdict is not used here, only the statistics it computes.
      const diff = diffRuns(runs[i]!, runs[j]!, { maxDrop: 0, alpha, allowHashMismatch: true })
      diffs.push({ i, j, diff })
    }
  }
  const adjusted = holmAdjust(diffs.map(({ diff }) => diff.pValue))
  const pairs = diffs.map(({ i, j, diff }, k): PairTest => {
    const adjustedP = adjusted[k] ?? null
    return {
      a: compared[i]!.label,
      b: compared[j]!.label,
      paired: diff.paired,
      onlyInA: diff.unpaired.onlyInBase,
      onlyInB: diff.unpaired.onlyInHead,
      regressed: diff.regressed.length,
      fixed: diff.fixed.length,
      pValue: diff.pValue,
      adjustedP,
      significant: adjustedP !== null && adjustedP < alpha,
      scoreDelta: compared[i]!.score === null || compared[j]!.score === null ? null : compared[j]!.score! - compared[i]!.score!,
      pairedDelta: diff.pairedDelta
    }
  })

  const first = diffs[0]
  const detail = runs.length === 2 && first && pairs[0] ? pairDetail(first.diff, pairs[0], alpha, runs[0]!, runs[1]!) : null
  return {
    schemaVersion: 1,
    environment: compared[0]!.environment.name,
    hashMismatch,
    alpha,
    level: LEVEL,
    notes: [...notes, ...unpairedNotes(pairs, runs.length)],
    runs: compared,
    ranking: rankRuns(compared, pairs),
    pairs,
    detail
  }
}

function checkOptions(count: number, alpha: number): void {
  const issues = []
  if (count < 2) issues.push({ field: 'runs', message: `compare needs at least two runs, received ${count}`, hint: 'pass two or more run folders' })
  if (!(alpha > 0 && alpha < 1)) issues.push({ field: 'alpha', message: `must be a significance level between 0 and 1, received ${alpha}`, hint: 'e.g. 0.05' })
  if (issues.length > 0) throw new ValidationError(issues, 'cannot compare:')
}

function comparedRun(run: CompareInput, label: string): ComparedRun {
  const { info, scores, records } = run
  const caseScores = records.map((r) => (r.status === 'error' ? 0 : r.score))
  const fromFile = finite(scores.score)
  const low = finite(scores.score_ci_low)
  const high = finite(scores.score_ci_high)
  const git: ComparedRun['git'] = {}
  if (info.git.sha) git.sha = info.git.sha
  if (info.git.ref) git.ref = info.git.ref
  return {
    label,
    dir: run.dir ?? null,
    environment: { name: info.environment.name, version: info.environment.version, hash: info.environment.hash },
    model: { key: info.model.key, name: info.model.name },
    git,
    startedAt: info.startedAt,
    n: records.length,
    score: fromFile ?? (records.length > 0 ? mean(caseScores) : null),
    interval: low !== null && high !== null ? { low, high } : records.length > 0 ? meanInterval(caseScores, LEVEL) : null,
    scores
  }
}

function pairDetail(diff: RunDiff, test: PairTest, alpha: number, a: CompareInput, b: CompareInput): PairDetail {
  return {
    verdict: verdictOf(test, alpha),
    test,
    table: flipTable(a, b),
    metrics: diff.metrics,
    phases: diff.phases,
    tags: diff.tags,
    fixed: diff.fixed,
    regressed: diff.regressed
  }
}

/** McNemar's 2×2 table over the cases both runs have; pass against fail-or-error. */
function flipTable(a: CompareInput, b: CompareInput): FlipTable {
  const table: FlipTable = { bothPass: 0, regressed: 0, fixed: 0, bothNotPass: 0 }
  for (const pair of pairRecords(a.records, b.records).pairs) {
    const before = pair.base.status === 'pass'
    const after = pair.head.status === 'pass'
    if (before && after) table.bothPass++
    else if (before) table.regressed++
    else if (after) table.fixed++
    else table.bothNotPass++
  }
  return table
}

/** Cases outside the paired tests are worth a sentence: they can explain a score gap. */
function unpairedNotes(pairs: readonly PairTest[], runCount: number): string[] {
  const notes: string[] = []
  for (const pair of pairs) {
    if (pair.paired === 0) {
      notes.push(`${pair.a} and ${pair.b} have no case in common (different phases or case ids), so their difference cannot be tested.`)
    } else if (pair.onlyInA + pair.onlyInB > 0) {
      const scope = runCount === 2 ? 'the paired statistics' : `the test of ${pair.a} against ${pair.b}`
      notes.push(`${cases(pair.onlyInA)} only in ${pair.a} and ${cases(pair.onlyInB)} only in ${pair.b} are left out of ${scope}.`)
    }
  }
  return notes
}

const cases = (n: number): string => `${n.toLocaleString('en-US')} case${n === 1 ? '' : 's'}`

const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null)
