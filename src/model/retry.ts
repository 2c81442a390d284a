/**
 * Retries, per-attempt timeouts and backoff for any model call, so every client gets them the
 * same way. Time is injectable (sleep, random) so tests record delays instead of waiting.
 */
import { getMaxListeners, setMaxListeners } from 'node:events'
import { ModelError, describeError } from '../errors.js'

export interface RetryPolicy {
  /** Retries after the first attempt; a call makes at most maxRetries + 1 attempts. */
  maxRetries: number
  /** Per-attempt timeout in milliseconds; 0 or Infinity disables it. */
  timeoutMs: number
  /** First backoff ceiling; doubles each retry. Default 500. */
  baseDelayMs?: number
  /** Largest backoff ceiling. Default 30000. */
  maxDelayMs?: number
  /** Longest server-requested wait (Retry-After) honoured; longer requests are cut to this. Default 120000. */
  maxRetryAfterMs?: number
}

/** What a retry is about to do, for progress output and logs. */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number
  error: ModelError
  /** Milliseconds until the next attempt. */
  delayMs: number
}

export interface RetryDeps {
  /** Waits between attempts; must reject when `signal` aborts. Default: setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number
  /** Aborts the current attempt and every later one; the call rejects with the signal's reason. */
  signal?: AbortSignal
  /** Called before each wait. */
  onRetry?: (event: RetryEvent) => void
}

/** The error a call ends with: the last attempt's error, plus how many attempts were made. */
export class AttemptsError extends ModelError {
  override name = 'AttemptsError'
  readonly attempts: number
  /** The last attempt's error, also available as `cause`. */
  readonly lastError: ModelError
  constructor(last: ModelError, attempts: number) {
    super(attemptsMessage(last, attempts), {
      retryable: last.retryable,
      status: last.status,
      retryAfterMs: last.retryAfterMs,
      cause: last
    })
    this.attempts = attempts
    this.lastError = last
  }
}

function attemptsMessage(last: ModelError, attempts: number): string {
  if (attempts === 1) return last.message
  return last.retryable ? `${last.message} (gave up after ${attempts} attempts)` : `${last.message} (attempt ${attempts}, not retryable)`
}

const DEFAULT_BASE_DELAY_MS = 500
const DEFAULT_MAX_DELAY_MS = 30_000
const DEFAULT_MAX_RETRY_AFTER_MS = 120_000

/**
 * Call `fn` until it succeeds, fails permanently, or runs out of attempts.
 *
 * - Each attempt gets its own signal, aborted after `policy.timeoutMs`; a timeout counts as a
 *   retryable ModelError('timed out after N ms') even if `fn` ignores the signal.
 * - Between attempts: the server's Retry-After when it gave one (capped at maxRetryAfterMs), else
 *   exponential backoff with full jitter: random() × min(maxDelayMs, baseDelayMs × 2^(attempt-1)).
 * - Non-retryable errors stop at once. Values thrown that are not ModelErrors are treated as
 *   non-retryable (they are bugs, not weather).
 * - `deps.signal` aborting rejects promptly with its reason, mid-attempt or mid-wait.
 *
 * @returns the value and the number of attempts it took.
 * @throws AttemptsError carrying the last error's message, status and `attempts`.
 */
export async function callWithRetries<T>(
  fn: (signal: AbortSignal, attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps = {}
): Promise<{ value: T; attempts: number }> {
  const sleep = deps.sleep ?? defaultSleep
  const random = deps.random ?? Math.random
  const outer = deps.signal
  outer?.throwIfAborted()
  const maxAttempts = Math.max(0, Math.floor(policy.maxRetries)) + 1

  // One listener on the caller's signal per call, however many attempts and waits follow; a run
  // shares one signal across all its in-flight calls.
  const call = new AbortController()
  const forward = (): void => call.abort(outer?.reason)
  if (outer) {
    const limit = getMaxListeners(outer)
    // Node warns past 10 listeners; a run legitimately has one per in-flight call.
    if (limit !== 0 && limit < 1024) setMaxListeners(1024, outer)
    outer.addEventListener('abort', forward, { once: true })
  }

  try {
    for (let attempt = 1; ; attempt++) {
      let error: ModelError
      try {
        const value = await runAttempt(fn, attempt, policy.timeoutMs, call.signal)
        return { value, attempts: attempt }
      } catch (thrown) {
        if (call.signal.aborted) throw call.signal.reason
        error = thrown instanceof ModelError ? thrown : new ModelError(describeError(thrown), { retryable: false, cause: thrown })
      }
      if (!error.retryable || attempt >= maxAttempts) throw new AttemptsError(error, attempt)
      const delayMs = retryDelay(error, attempt, policy, random)
      deps.onRetry?.({ attempt, error, delayMs })
      await abortable(sleep(delayMs, call.signal), call.signal)
    }
  } finally {
    outer?.removeEventListener('abort', forward)
  }
}

function retryDelay(error: ModelError, attempt: number, policy: RetryPolicy, random: () => number): number {
  if (error.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, error.retryAfterMs), policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)
  }
  const base = policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS
  const ceiling = Math.min(policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, base * 2 ** (attempt - 1))
  return Math.floor(random() * ceiling)
}

/** One attempt, settled by whichever comes first: fn, its timeout, or the call's abort. */
function runAttempt<T>(
  fn: (signal: AbortSignal, attempt: number) => Promise<T>,
  attempt: number,
  timeoutMs: number,
  callSignal: AbortSignal
): Promise<T> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  return new Promise<T>((resolve, reject) => {
    onAbort = () => {
      controller.abort(callSignal.reason)
      reject(callSignal.reason)
    }
    callSignal.addEventListener('abort', onAbort, { once: true })
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => {
        const error = new ModelError(`timed out after ${timeoutMs} ms`, { retryable: true })
        controller.abort(error)
        reject(error)
      }, timeoutMs)
    }
    // A late rejection after a timeout lands in this handler, so it is never unhandled.
    Promise.resolve()
      .then(() => fn(controller.signal, attempt))
      .then(resolve, reject)
  }).finally(() => {
    clearTimeout(timer)
    if (onAbort) callSignal.removeEventListener('abort', onAbort)
  })
}

/** Settle with `promise`, or reject with the signal's reason as soon as it aborts (an injected sleep may ignore it). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  let onAbort: (() => void) | undefined
  return new Promise<T>((resolve, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject)
  }).finally(() => signal.removeEventListener('abort', onAbort!))
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
