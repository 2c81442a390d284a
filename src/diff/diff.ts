/**
 * Compare a head run with its baseline and decide whether the head regressed.
 *
 * The gate asks two questions: did the score drop by more than the team tolerates (`maxDrop`
 * points), and is that drop more than noise (McNemar's exact test on the cases that flipped
 * between pass and not-pass)? Both must hold, so a small eval set cannot fail a PR on luck, and a
 * large one cannot fail it on a trivially small but significant change. `minScore` is an
 * absolute floor that holds regardless of the baseline.
 */
import { ValidationError } from '../errors.js'
import type { Issue } from '../errors.js'
import { formatMetric, formatPValue } from '../report/format.js'
import { mcnemarExact, mean, pairedDeltaInterval } from '../scoring/stats.js'
import { EPSILON } from './direction.js'
import { groupDeltas } from './groups.js'
import { metricDeltas } from './metric-deltas.js'
import { findFlips, pairRecords } from './pairing.js'
import type { GateOptions, PairedDelta, RunDiff, RunResult, Verdict } from './types.js'

/** Confidence level of the paired score-delta interval shown next to the verdict. */
const PAIRED_LEVEL = 0.95

/**
 * Compare `head` with `base` (null when no baseline was found) under the gate `opts`.
 *
 * Verdict, first match wins:
 * 1. `error` — the head has no cases, or every case errored (nothing was measured);
 * 2. `no-baseline` — `base` is null (still `regressed` when the head is below `minScore`);
 * 3. `error` — environment hashes differ and `allowHashMismatch` is not set;
 * 4. `regressed` — the score dropped more than `maxDrop` points with McNemar p < `alpha`, or the
 *    head score is below `minScore`;
 * 5. `pass`.
 * Every field is computed whatever the verdict, so a report can still show what changed.
 * Throws a ValidationError for gate options that would silently disable the gate (NaN, a
 * negative drop, a percentage where a fraction belongs).
 */
export function diffRuns(base: RunResult | null, head: RunResult, opts: GateOptions): RunDiff {
  checkGate(opts)
  const pairing = pairRecords(base?.records ?? [], head.records)
  const { regressed, fixed } = findFlips(pairing.pairs)
  const paired = pairing.pairs.length
  const pValue = base && paired > 0 ? mcnemarExact(regressed.length, fixed.length) : null
  const pairedDelta = pairedInterval(pairing.pairs.map((p) => p.head.score - p.base.score))
  const baseScore = base ? headlineScore(base) : null
  const headScore = headlineScore(head)
  const hashMismatch = base !== null && base.info.environment.hash !== head.info.environment.hash

  const diff: RunDiff = {
    verdict: 'pass',
    reasons: [],
    acknowledged: null,
    base: base?.info ?? null,
    head: head.info,
    gate: opts,
    baseScore,
    headScore,
    metrics: metricDeltas(base?.scores ?? null, head.scores),
    regressed,
    fixed,
    paired,
    unpaired: { onlyInBase: pairing.onlyInBase.length, onlyInHead: pairing.onlyInHead.length },
    pValue,
    pairedDelta,
    phases: groupDeltas('phase', base, head),
    tags: groupDeltas('tag', base, head),
    hashMismatch
  }
  const { verdict, reasons } = decide(diff, head, opts)
  return { ...diff, verdict, reasons }
}

/**
 * Accept a regression on purpose (a PR label such as `accept-regression`, a reviewer's command):
 * a `regressed` verdict becomes `pass`, the acknowledgement is kept in `acknowledged`, and a
 * reason says so, so the report still shows what regressed and who let it through. Any other
 * verdict is returned unchanged: an `error` means the comparison itself failed and a label
 * cannot fix that.
 */
export function acknowledge(diff: RunDiff, label: string): RunDiff {
  if (diff.verdict !== 'regressed') return diff
  return {
    ...diff,
    verdict: 'pass',
    acknowledged: { label, previousVerdict: diff.verdict },
    reasons: [...diff.reasons, `regression acknowledged with "${label}"; passing with a notice`]
  }
}

/**
 * A NaN `maxDrop` would make every comparison false and pass every regression, so bad numbers
 * stop the run instead. `minScore: 50` is the likeliest mistake (a percentage), hence the hint.
 */
function checkGate(opts: GateOptions): void {
  const issues: Issue[] = []
  if (!Number.isFinite(opts.maxDrop) || opts.maxDrop < 0) {
    issues.push({ field: 'maxDrop', message: `must be a number of percentage points ≥ 0, received ${opts.maxDrop}`, hint: 'e.g. 2 for two points' })
  }
  if (!(opts.alpha > 0 && opts.alpha <= 1)) {
    issues.push({ field: 'alpha', message: `must be a significance level in (0, 1], received ${opts.alpha}`, hint: 'e.g. 0.05' })
  }
  if (opts.minScore !== undefined && !(opts.minScore >= 0 && opts.minScore <= 1)) {
    issues.push({ field: 'minScore', message: `must be a fraction between 0 and 1, received ${opts.minScore}`, hint: 'e.g. 0.5 for 50%' })
  }
  if (issues.length > 0) throw new ValidationError(issues, 'invalid regression gate options:')
}

function decide(diff: RunDiff, head: RunResult, opts: GateOptions): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = []
  const errors = head.records.filter((r) => r.status === 'error').length
  if (head.records.length === 0) return { verdict: 'error', reasons: ['the head run has no cases, so nothing was measured'] }
  if (errors === head.records.length) {
    return { verdict: 'error', reasons: [`all ${errors} cases of the head run errored, so nothing was measured`] }
  }

  const floor = belowFloor(diff.headScore, opts.minScore)
  if (diff.base === null) {
    reasons.push(`no baseline to compare with; head score ${formatMetric(diff.headScore, 'fraction')}`)
    if (floor) reasons.push(floor)
    return { verdict: floor ? 'regressed' : 'no-baseline', reasons }
  }

  if (diff.hashMismatch) {
    const change = `environment hash changed (${short(diff.base.environment.hash)} → ${short(diff.head.environment.hash)})`
    if (!opts.allowHashMismatch) {
      return {
        verdict: 'error',
        reasons: [`${change}: the data, manifest or scorers differ, so the scores are not comparable; allow a hash mismatch to compare anyway`]
      }
    }
    reasons.push(`${change}; compared anyway because hash mismatches are allowed`)
  }

  const scoreLine = scoreChange(diff)
  const dropPoints = diff.baseScore !== null && diff.headScore !== null ? (diff.baseScore - diff.headScore) * 100 : null
  // EPSILON keeps 60.0% → 58.0% (a float drop of 2.0000000000000018) within maxDrop = 2.
  const tooBig = dropPoints !== null && dropPoints - opts.maxDrop > EPSILON
  const significant = diff.pValue !== null && diff.pValue < opts.alpha
  let regressed = false
  if (tooBig && significant) {
    regressed = true
    reasons.push(`${scoreLine}, ${formatPValue(diff.pValue)} < ${opts.alpha}`)
  } else if (tooBig && diff.pValue === null) {
    reasons.push(`${scoreLine}, but no case is in both runs, so significance cannot be tested`)
  } else if (tooBig) {
    reasons.push(`${scoreLine}, but ${formatPValue(diff.pValue)} ≥ ${opts.alpha}: not significant`)
  } else if (dropPoints !== null && dropPoints > 0 && dropPoints.toFixed(1) !== '0.0') {
    reasons.push(`${scoreLine}, within the allowed ${opts.maxDrop} points`)
  } else {
    reasons.push(scoreLine)
  }
  if (floor) {
    regressed = true
    reasons.push(floor)
  }
  const { onlyInBase, onlyInHead } = diff.unpaired
  if (onlyInBase + onlyInHead > 0) {
    reasons.push(`${cases(onlyInBase)} only in the baseline and ${onlyInHead} only in the head left out of the significance test`)
  }
  return { verdict: regressed ? 'regressed' : 'pass', reasons }
}

/** "score dropped 3.1 points (60.6% → 57.5%)", "score rose …", "score unchanged at 60.6%". */
function scoreChange(diff: RunDiff): string {
  const { baseScore, headScore } = diff
  if (baseScore === null || headScore === null) {
    return `score not comparable (${formatMetric(baseScore, 'fraction')} → ${formatMetric(headScore, 'fraction')})`
  }
  const points = Math.abs(headScore - baseScore) * 100
  const range = `(${formatMetric(baseScore, 'fraction')} → ${formatMetric(headScore, 'fraction')})`
  // A change that rounds to 0.0 points would read "dropped 0.0 points"; call it unchanged.
  if (points.toFixed(1) === '0.0') {
    return `score unchanged at ${formatMetric(headScore, 'fraction')}`
  }
  return `score ${headScore < baseScore ? 'dropped' : 'rose'} ${points.toFixed(1)} points ${range}`
}

function belowFloor(score: number | null, minScore: number | undefined): string | null {
  if (minScore === undefined || score === null || score >= minScore) return null
  return `score ${formatMetric(score, 'fraction')} is below the minimum of ${formatMetric(minScore, 'fraction')}`
}

/** The run's headline score: `scores.json`'s `score`, else the mean of its records' scores. */
function headlineScore(run: RunResult): number | null {
  const fromFile = run.scores.score
  if (fromFile !== undefined && Number.isFinite(fromFile)) return fromFile
  return run.records.length > 0 ? mean(run.records.map((r) => r.score)) : null
}

function pairedInterval(diffs: number[]): PairedDelta | null {
  // One difference has no spread, so no interval; the gate does not depend on it.
  if (diffs.length < 2) return null
  const { mean: m, low, high } = pairedDeltaInterval(diffs, PAIRED_LEVEL)
  if (![m, low, high].every(Number.isFinite)) return null
  return { mean: m, low, high, level: PAIRED_LEVEL }
}

const cases = (n: number): string => `${n} case${n === 1 ? '' : 's'}`

/** Hashes are long; twelve characters identify one in prose. */
const short = (hash: string): string => hash.replace(/^sha256:/, '').slice(0, 12)
