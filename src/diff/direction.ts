/** Whether a change is an improvement, given which way a metric should move. */
import type { Direction } from './types.js'

/**
 * Changes smaller than this are float noise (0.6 - 0.4 - 0.2), not a change anyone made; they
 * count as `unchanged`.
 */
export const EPSILON = 1e-9

/** `improved` / `regressed` / `unchanged` for a change; `unknown` when it could not be computed. */
export function directionOf(delta: number | null, higherIsBetter: boolean): Direction {
  if (delta === null || !Number.isFinite(delta)) return 'unknown'
  if (Math.abs(delta) < EPSILON) return 'unchanged'
  return delta > 0 === higherIsBetter ? 'improved' : 'regressed'
}
