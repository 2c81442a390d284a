/**
 * Whether runs may be compared at all. Scores only mean the same thing when the runs answered
 * the same cases, scored the same way: the same environment (by name, always) and the same
 * environment hash (the data, manifest and scorer files), unless the caller accepts a mismatch.
 */
import { BenchgenError } from '../errors.js'
import { sanitizeText, truncateText } from '../github/escape.js'
import { shortHash } from './text.js'
import type { ComparedRun } from './types.js'

/** Why runs were refused. */
export type IncomparableReason = 'environment-name' | 'environment-hash'

/**
 * Runs that cannot be compared. The message names every run's environment name, version and
 * short hash, says why that makes the scores incomparable, and what to do. Exit code 2: the
 * user passed the wrong folders (or must opt in).
 */
export class IncomparableRunsError extends BenchgenError {
  override name = 'IncomparableRunsError'
  override readonly exitCode = 2
  readonly reason: IncomparableReason
  constructor(reason: IncomparableReason, message: string) {
    super(message)
    this.reason = reason
  }
}

/** What {@link checkComparable} found when the runs may be compared. */
export interface Compatibility {
  hashMismatch: boolean
  /** A caveat for the reader when hashes differ; empty otherwise. */
  notes: string[]
}

/**
 * Throws an {@link IncomparableRunsError} when the runs' environment names differ (whatever
 * `allowHashMismatch` says), or their hashes differ and `allowHashMismatch` is false.
 */
export function checkComparable(runs: readonly ComparedRun[], allowHashMismatch: boolean): Compatibility {
  const names = new Set(runs.map((run) => run.environment.name))
  if (names.size > 1) {
    throw new IncomparableRunsError(
      'environment-name',
      [
        'cannot compare runs of different environments: they answered different cases, so their scores are not comparable.',
        ...runs.map(describeRun),
        'Compare runs of one environment; allowing a hash mismatch (--allow-hash-mismatch) does not change this.'
      ].join('\n  ')
    )
  }
  const hashes = new Set(runs.map((run) => run.environment.hash))
  if (hashes.size <= 1) return { hashMismatch: false, notes: [] }
  if (!allowHashMismatch) {
    throw new IncomparableRunsError(
      'environment-hash',
      [
        'cannot compare runs whose environment hashes differ: the data, manifest or scorers changed between them, so their scores are not comparable.',
        ...runs.map(describeRun),
        'Rerun them on the same environment version, or allow a hash mismatch (--allow-hash-mismatch) to compare anyway.'
      ].join('\n  ')
    )
  }
  const which = runs.map((run) => `${run.label}: ${plain(run.environment.name, 80)} ${plain(run.environment.version, 40)} ${shortHash(plain(run.environment.hash, 80))}`)
  return {
    hashMismatch: true,
    notes: [
      `Environment hashes differ (${which.join('; ')}): the data, manifest or scorers changed, so the scores may not be comparable; compared anyway because a hash mismatch was allowed.`
    ]
  }
}

/** `A (runs/a): environment gsm8k 1.0.0, hash 3f2a9c1b7d4e, model my-model`. */
function describeRun(run: ComparedRun): string {
  const where = run.dir ? ` (${plain(run.dir, 200)})` : ''
  const env = run.environment
  return `${run.label}${where}: environment ${plain(env.name, 80)} ${plain(env.version, 40)}, hash ${shortHash(plain(env.hash, 80))}, model ${plain(run.model.name, 80)}`
}

/** Run files are input: no control characters or bidi overrides reach the terminal. */
function plain(text: string, maxChars: number): string {
  const cut = truncateText(sanitizeText(text).replace(/\s+/g, ' '), maxChars)
  return cut.omitted > 0 ? `${cut.text}…` : cut.text
}
