/**
 * Statistics for scores and comparisons: means, standard errors, confidence intervals (normal,
 * Wilson), percentiles, and McNemar's exact test for paired pass/fail outcomes. Pure functions on
 * numbers; empty input gives zeros, never NaN, because results are written to JSON files.
 */

/** Arithmetic mean; 0 for no values. */
export function mean(values: number[]): number {
  if (values.length === 0) return 0
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

/** Standard error of the mean: sample standard deviation (n − 1) / √n; 0 for fewer than 2 values. */
export function stderr(values: number[]): number {
  const n = values.length
  if (n < 2) return 0
  const m = mean(values)
  let squares = 0
  for (const v of values) squares += (v - m) ** 2
  return Math.sqrt(squares / (n - 1)) / Math.sqrt(n)
}

// Coefficients of Wichura's AS 241 (PPND16), highest degree first, as the nearest doubles.
const AS241_CENTRAL = {
  num: [2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513, 133.14166789178438, 3.3871328727963665],
  den: [5226.495278852546, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579, 42.31333070160091, 1]
}
const AS241_INTERMEDIATE = {
  num: [0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045, 5.769497221460691, 4.630337846156546, 1.4234371107496835],
  den: [1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851, 1.6763848301838038, 2.053191626637759, 1]
}
const AS241_TAIL = {
  num: [2.0103343992922881e-7, 0.000027115555687434876, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487, 1.7848265399172913, 5.463784911164114, 6.657904643501103],
  den: [2.0442631033899397e-15, 1.421511758316446e-7, 0.000018463183175100548, 0.0007868691311456133, 0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1]
}

const horner = (coefficients: number[], x: number): number => coefficients.reduce((acc, c) => acc * x + c, 0)
const rational = (c: { num: number[]; den: number[] }, x: number): number => horner(c.num, x) / horner(c.den, x)

/**
 * Quantile of the standard normal distribution for p in (0, 1): Wichura's AS 241, accurate to
 * about 1e-16 (R's qnorm and Python's NormalDist.inv_cdf use it too).
 */
function normalQuantile(p: number): number {
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) return q * rational(AS241_CENTRAL, 0.180625 - q * q)
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  const value = r <= 5 ? rational(AS241_INTERMEDIATE, r - 1.6) : rational(AS241_TAIL, r - 5)
  return q < 0 ? -value : value
}

/**
 * The two-sided critical value z for a confidence level: zFor(0.95) ≈ 1.95996. Throws a
 * RangeError for a level outside (0, 1).
 */
export function zFor(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be between 0 and 1 (exclusive), received ${level}`)
  return normalQuantile((1 + level) / 2)
}

const clamp = (v: number, low: number, high: number): number => Math.min(high, Math.max(low, v))

/**
 * Wilson score interval for a proportion (successes of n). Unlike the normal approximation it
 * stays inside [0, 1] and is sensible at 0% and 100% and for small n. {0, 0} for n = 0.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 0 }
  const z = zFor(level)
  const p = clamp(successes / n, 0, 1)
  const z2 = z * z
  const denominator = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return { low: clamp(center - half, 0, 1), high: clamp(center + half, 0, 1) }
}

/**
 * Confidence interval for a mean. For 0/1 data, the Wilson interval of the proportion; otherwise
 * mean ± z·stderr (normal approximation), clamped to [0, 1] when every value lies in [0, 1].
 * {0, 0} for no values.
 */
export function meanInterval(values: number[], level = 0.95): { low: number; high: number } {
  if (values.length === 0) return { low: 0, high: 0 }
  if (values.every((v) => v === 0 || v === 1)) return wilsonInterval(values.filter((v) => v === 1).length, values.length, level)
  const m = mean(values)
  const half = zFor(level) * stderr(values)
  if (values.every((v) => v >= 0 && v <= 1)) return { low: clamp(m - half, 0, 1), high: clamp(m + half, 0, 1) }
  return { low: m - half, high: m + half }
}

/**
 * The p-th percentile (p from 0 to 100) with linear interpolation between closest ranks (numpy's
 * default): percentile([1, 2, 3, 4], 50) = 2.5. NaN values are ignored; 0 for no values.
 */
export function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return 0
  const rank = (clamp(Number.isNaN(p) ? 0 : p, 0, 100) / 100) * (sorted.length - 1)
  const lower = Math.floor(rank)
  const upper = Math.ceil(rank)
  const a = sorted[lower] ?? 0
  const b = sorted[upper] ?? a
  return a + (b - a) * (rank - lower)
}

/** log(exp(a) + exp(b)) without overflow or underflow. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b
  if (b === -Infinity) return a
  const high = Math.max(a, b)
  return high + Math.log1p(Math.exp(Math.min(a, b) - high))
}

/**
 * McNemar's exact test: the two-sided p-value that `b` cases flipping one way and `c` the other
 * way are as balanced as chance allows (binomial(b + c, ½), doubled tail, capped at 1). 1 when
 * b + c = 0. The tail is summed in log space, so b + c in the tens of thousands neither overflows
 * the binomial coefficients nor underflows 2^−n.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = Math.round(b) + Math.round(c)
  if (n <= 0) return 1
  const k = Math.min(Math.round(b), Math.round(c))
  // log P(X = i) = log C(n, i) − n·log 2, built up by C(n, i + 1) = C(n, i)·(n − i)/(i + 1).
  let term = -n * Math.LN2
  let tail = term
  for (let i = 0; i < k; i++) {
    term += Math.log((n - i) / (i + 1))
    tail = logAddExp(tail, term)
  }
  return Math.min(1, 2 * Math.exp(tail))
}

/**
 * Mean of paired differences (head − base per case) with a normal-approximation interval,
 * mean ± z·stderr. The interval is clamped to [−1, 1] when every difference lies there (score
 * deltas). All zeros for no differences.
 */
export function pairedDeltaInterval(diffs: number[], level = 0.95): { mean: number; low: number; high: number } {
  if (diffs.length === 0) return { mean: 0, low: 0, high: 0 }
  const m = mean(diffs)
  const half = zFor(level) * stderr(diffs)
  if (diffs.every((d) => d >= -1 && d <= 1)) return { mean: m, low: clamp(m - half, -1, 1), high: clamp(m + half, -1, 1) }
  return { mean: m, low: m - half, high: m + half }
}
