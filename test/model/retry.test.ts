import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { ModelError } from '../../src/errors.js'
import { AttemptsError, callWithRetries, type RetryPolicy } from '../../src/model/retry.js'

const retryable = (message = 'HTTP 503', init: { status?: number; retryAfterMs?: number } = {}) => new ModelError(message, { retryable: true, ...init })

/** fn that fails with the given errors in turn, then answers `ok`. */
function scripted(...errors: unknown[]) {
  const signals: AbortSignal[] = []
  const fn = async (signal: AbortSignal, attempt: number) => {
    signals.push(signal)
    const error = errors[attempt - 1]
    if (error !== undefined) throw error
    return 'ok'
  }
  return { fn, signals }
}

function recorder() {
  const delays: number[] = []
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms)
    }
  }
}

const never = () => new Promise<never>(() => {})

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e
  )
}

describe('callWithRetries', () => {
  it('returns the first success with its attempt count', async () => {
    const { fn } = scripted(retryable(), retryable())
    const { sleep, delays } = recorder()
    await expect(callWithRetries(fn, { maxRetries: 4, timeoutMs: 1_000 }, { sleep, random: () => 0.5 })).resolves.toEqual({ value: 'ok', attempts: 3 })
    expect(delays).toEqual([250, 500])
  })

  it.each<{ policy: Partial<RetryPolicy>; random: number; delays: number[] }>([
    { policy: {}, random: 0.5, delays: [250, 500, 1_000, 2_000, 4_000] },
    { policy: {}, random: 0, delays: [0, 0, 0, 0, 0] },
    { policy: { baseDelayMs: 100, maxDelayMs: 450 }, random: 0.999, delays: [99, 199, 399, 449, 449] },
    { policy: { baseDelayMs: 10_000 }, random: 0.5, delays: [5_000, 10_000, 15_000, 15_000, 15_000] }
  ])('backs off exponentially with full jitter: $policy, random $random', async ({ policy, random, delays }) => {
    const { fn } = scripted(...Array.from({ length: 5 }, () => retryable()))
    const { sleep, delays: recorded } = recorder()
    await callWithRetries(fn, { maxRetries: 5, timeoutMs: 1_000, ...policy }, { sleep, random: () => random })
    expect(recorded).toEqual(delays)
  })

  it.each([
    { retryAfterMs: 3_000, policy: {}, delay: 3_000 },
    { retryAfterMs: 0, policy: {}, delay: 0 },
    { retryAfterMs: 600_000, policy: {}, delay: 120_000 },
    { retryAfterMs: 600_000, policy: { maxRetryAfterMs: 10_000 }, delay: 10_000 }
  ])('lets the server’s Retry-After win: $retryAfterMs ms, $policy', async ({ retryAfterMs, policy, delay }) => {
    const { fn } = scripted(retryable('HTTP 429', { status: 429, retryAfterMs }))
    const { sleep, delays } = recorder()
    await callWithRetries(fn, { maxRetries: 1, timeoutMs: 1_000, ...policy }, { sleep, random: () => 0.5 })
    expect(delays).toEqual([delay])
  })

  it('stops at once on a non-retryable error', async () => {
    const permanent = new ModelError('HTTP 400: bad request', { retryable: false, status: 400 })
    const { fn, signals } = scripted(permanent)
    const { sleep, delays } = recorder()
    const error = await caught(callWithRetries(fn, { maxRetries: 4, timeoutMs: 1_000 }, { sleep }))
    expect(error).toBeInstanceOf(AttemptsError)
    expect(error).toMatchObject({ attempts: 1, status: 400, retryable: false, message: 'HTTP 400: bad request', lastError: permanent, cause: permanent })
    expect(signals).toHaveLength(1)
    expect(delays).toEqual([])
  })

  it('says when a later attempt failed for good', async () => {
    const { fn } = scripted(retryable(), new ModelError('HTTP 400', { retryable: false, status: 400 }))
    const error = await caught(callWithRetries(fn, { maxRetries: 4, timeoutMs: 1_000 }, { sleep: async () => {} }))
    expect(error).toMatchObject({ attempts: 2, retryable: false, message: 'HTTP 400 (attempt 2, not retryable)' })
  })

  it('treats values that are not ModelErrors as bugs: not retried, kept as the cause', async () => {
    const bug = new TypeError('cannot read properties of undefined')
    const { fn } = scripted(bug)
    const error = await caught(callWithRetries(fn, { maxRetries: 4, timeoutMs: 1_000 }, { sleep: async () => {} }))
    expect(error).toMatchObject({ attempts: 1, retryable: false, message: 'cannot read properties of undefined' })
    expect((error as AttemptsError).lastError.cause).toBe(bug)
  })

  it('throws the last error with attempts = maxRetries + 1 when retries run out', async () => {
    const { fn } = scripted(retryable('first'), retryable('second'), retryable('third', { status: 502 }))
    const error = await caught(callWithRetries(fn, { maxRetries: 2, timeoutMs: 1_000 }, { sleep: async () => {} }))
    expect(error).toBeInstanceOf(AttemptsError)
    expect(error).toBeInstanceOf(ModelError)
    expect(error).toMatchObject({ attempts: 3, status: 502, retryable: true, message: 'third (gave up after 3 attempts)' })
  })

  it('times out an attempt that ignores its signal, aborts that signal, and retries', async () => {
    let calls = 0
    const seen: AbortSignal[] = []
    const fn = (signal: AbortSignal) => {
      seen.push(signal)
      return ++calls === 1 ? never() : Promise.resolve('late but fine')
    }
    const { sleep, delays } = recorder()
    await expect(callWithRetries(fn, { maxRetries: 1, timeoutMs: 20 }, { sleep, random: () => 0.5 })).resolves.toEqual({ value: 'late but fine', attempts: 2 })
    expect(seen[0]?.aborted).toBe(true)
    expect(seen[0]?.reason).toMatchObject({ message: 'timed out after 20 ms', retryable: true })
    expect(seen[1]?.aborted).toBe(false)
    expect(delays).toEqual([250])
  })

  it('reports each retry before waiting', async () => {
    const first = retryable('HTTP 503', { status: 503 })
    const { fn } = scripted(first)
    const events: unknown[] = []
    await callWithRetries(fn, { maxRetries: 1, timeoutMs: 1_000 }, { sleep: async () => {}, random: () => 0.5, onRetry: (e) => events.push(e) })
    expect(events).toEqual([{ attempt: 1, error: first, delayMs: 250 }])
  })

  describe('the outer signal', () => {
    it('rejects without calling fn when already aborted', async () => {
      const { fn, signals } = scripted()
      await expect(callWithRetries(fn, { maxRetries: 1, timeoutMs: 1_000 }, { signal: AbortSignal.abort(new Error('cancelled')) })).rejects.toThrow('cancelled')
      expect(signals).toHaveLength(0)
    })

    it('aborts an attempt in flight, even one that ignores its signal', async () => {
      const controller = new AbortController()
      const seen: AbortSignal[] = []
      const call = callWithRetries(
        (signal) => {
          seen.push(signal)
          return never()
        },
        { maxRetries: 3, timeoutMs: 60_000 },
        { signal: controller.signal }
      )
      await Promise.resolve()
      await Promise.resolve()
      controller.abort(new Error('cancelled'))
      await expect(call).rejects.toThrow('cancelled')
      expect(seen).toHaveLength(1)
      expect(seen[0]?.aborted).toBe(true)
    })

    it('aborts a wait between attempts, even with a sleep that ignores it', async () => {
      const controller = new AbortController()
      const { fn, signals } = scripted(retryable(), retryable())
      const call = callWithRetries(fn, { maxRetries: 3, timeoutMs: 1_000 }, { signal: controller.signal, sleep: never })
      while (signals.length === 0) await Promise.resolve()
      await new Promise((resolve) => setImmediate(resolve))
      controller.abort(new Error('cancelled'))
      await expect(call).rejects.toThrow('cancelled')
      expect(signals).toHaveLength(1)
    })

    it('aborts the default sleep', async () => {
      const controller = new AbortController()
      const { fn } = scripted(retryable('HTTP 429', { retryAfterMs: 100_000 }))
      const call = callWithRetries(fn, { maxRetries: 1, timeoutMs: 1_000 }, { signal: controller.signal })
      await new Promise((resolve) => setImmediate(resolve))
      controller.abort()
      await expect(call).rejects.toMatchObject({ name: 'AbortError' })
    })

    it('leaves no listeners behind on a signal shared by many calls', async () => {
      const controller = new AbortController()
      const warnings: Error[] = []
      const onWarning = (w: Error) => warnings.push(w)
      process.on('warning', onWarning)
      try {
        await Promise.all(
          Array.from({ length: 100 }, () =>
            callWithRetries(scripted(retryable()).fn, { maxRetries: 1, timeoutMs: 1_000 }, { signal: controller.signal, sleep: async () => {} })
          )
        )
        await new Promise((resolve) => setImmediate(resolve))
      } finally {
        process.off('warning', onWarning)
      }
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    })
  })
})
