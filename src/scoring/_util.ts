/** Small helpers shared by the scorers. Internal: not exported from the barrel. */
import type { Target } from '../environment/types.js'

/** Every accepted answer of a target, as a list. */
export function targetList(target: Target): string[] {
  return Array.isArray(target) ? target : [target]
}

/** Quote text for a reason: JSON-escaped so newlines stay on one line, and truncated. */
export function quote(text: string, max = 60): string {
  const chars = [...text]
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text)
}

/** How reasons name the expected answers: `"a"`, or `any of "a", "b"`. */
export function describeTargets(targets: string[], max = 5): string {
  if (targets.length === 1) return `target ${quote(targets[0] ?? '')}`
  const shown = targets.slice(0, max).map((t) => quote(t, 40))
  const more = targets.length > max ? `, … (${targets.length} in all)` : ''
  return `any of targets ${shown.join(', ')}${more}`
}

/** Clamp a value to [0, 1]; anything not finite counts as 0 so no NaN reaches the aggregates. */
export function unitInterval(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0
}
