/**
 * The wire format of a server's "wait before retrying" hint. OpenAI sends `retry-after-ms`
 * alongside `Retry-After`; RFC 9110 allows `Retry-After` as delay-seconds or an HTTP-date.
 */

type HeaderValue = string | string[] | undefined

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Milliseconds the server asked us to wait, or undefined when it did not say (or said something
 * unreadable). `retry-after-ms` wins because it is more precise. Dates in the past give 0.
 *
 * @param now clock for HTTP-dates; default `Date.now()`.
 */
export function parseRetryAfter(
  headers: Record<string, HeaderValue>,
  now: number = Date.now()
): number | undefined {
  const ms = first(headers['retry-after-ms'])?.trim()
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms))

  const value = first(headers['retry-after'])?.trim()
  if (!value) return undefined
  // Fractional seconds are not in the RFC, but some proxies send them.
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  // An HTTP-date names a day and month; Date.parse alone would also read "-5" as a year.
  const date = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
