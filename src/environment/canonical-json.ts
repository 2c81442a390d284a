/**
 * Canonical JSON: object keys sorted at every depth, no whitespace, `undefined` members dropped.
 * Two values that mean the same thing serialise to the same string whatever order their keys were
 * written in, which is what content hashes (case ids, the environment hash) need.
 */

/** Serialise `value` canonically. Throws on values JSON cannot represent (bigint, cycles). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, new Set())) ?? 'null'
}

function sortKeys(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object') return value
  if (seen.has(value)) throw new TypeError('canonicalJson: cyclic value')
  seen.add(value)
  try {
    if (Array.isArray(value)) return value.map((item) => sortKeys(item, seen))
    const out: Record<string, unknown> = {}
    // Code-point order (not localeCompare) so the result is the same on every machine and locale.
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key]
      if (member !== undefined) out[key] = sortKeys(member, seen)
    }
    return out
  } finally {
    seen.delete(value)
  }
}
