/** Holm's step-down correction for testing several pairs of runs at once. */

/**
 * Holm-adjusted p-values, in the order given. With m tested values sorted ascending
 * p(1) ≤ … ≤ p(m), the adjusted value of p(k) is max over j ≤ k of min(1, (m − j + 1)·p(j)), so
 * comparing each with alpha controls the chance of any false "significant" at alpha, like
 * Bonferroni, while rejecting at least as often. The running max keeps the order of adjusted
 * values equal to the order of raw ones.
 *
 * `null` marks a pair that could not be tested (no shared case); it stays null and does not count
 * towards m. Ties keep their input order, so the result is deterministic.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues
    .map((p, index) => ({ p, index }))
    .filter((entry): entry is { p: number; index: number } => entry.p !== null && Number.isFinite(entry.p))
    .sort((x, y) => x.p - y.p || x.index - y.index)
  const m = tested.length
  const out: (number | null)[] = pValues.map(() => null)
  let running = 0
  tested.forEach(({ p, index }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p))
    out[index] = running
  })
  return out
}
