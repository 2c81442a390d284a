/**
 * Named errors. One place (the CLI's and the action's top level) decides how each is shown and
 * which exit code it maps to; everything below only throws.
 */

/** Where a problem was found: a file, optionally a 1-based line, and a field path. */
export interface Location {
  file?: string
  line?: number
  field?: string
}

/** One validation problem, rendered as `file:line: field "x": message (hint)`. */
export interface Issue extends Location {
  message: string
  hint?: string
}

export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line].filter((part) => part !== undefined).join(':')
  const field = issue.field ? `field "${issue.field}" ` : ''
  const hint = issue.hint ? ` (${issue.hint})` : ''
  return `${where ? `${where}: ` : ''}${field}${issue.message}${hint}`
}

export class BenchgenError extends Error {
  override name = 'BenchgenError'
  /** Process exit code when this error ends the CLI. */
  readonly exitCode: number = 1
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Input the user can fix: a manifest, a dataset, a bundle, a flag. Exit code 2. */
export class ValidationError extends BenchgenError {
  override name = 'ValidationError'
  override readonly exitCode = 2
  readonly issues: Issue[]
  constructor(issues: Issue[], summary?: string, options?: { cause?: unknown }) {
    const lines = issues.slice(0, 20).map(formatIssue)
    const more = issues.length > 20 ? [`… and ${issues.length - 20} more problems`] : []
    super([summary ?? `${issues.length} problem${issues.length === 1 ? '' : 's'} found:`, ...lines, ...more].join('\n  '), options)
    this.issues = issues
  }
}

/** A bundle that breaks a safety rule (path traversal, symlink, size caps). Never extracted. */
export class UnsafeBundleError extends ValidationError {
  override name = 'UnsafeBundleError'
}

/** A download whose bytes do not match the declared sha256, or that could not be fetched. */
export class DownloadError extends BenchgenError {
  override name = 'DownloadError'
}

/** A failure talking to the model endpoint; `retryable` decides whether the retry loop goes on. */
export class ModelError extends BenchgenError {
  override name = 'ModelError'
  readonly retryable: boolean
  readonly status?: number
  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs?: number
  constructor(message: string, init: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: init.cause })
    this.retryable = init.retryable
    if (init.status !== undefined) this.status = init.status
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
  }
}

/** Describe any thrown value in one line; `Error`s are not the only things thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}
