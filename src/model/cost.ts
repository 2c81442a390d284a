/** What a call cost, from its token usage and the model's published prices. */
import type { Pricing } from './config.js'
import type { Usage } from './types.js'

/**
 * Cost in USD of one call, or null when it cannot be known: no usage reported, or no pricing
 * configured. Null rather than 0 so reports can say "unknown" instead of "free".
 */
export function costOf(usage: Usage | undefined, pricing?: Pricing): number | null {
  if (!usage || !pricing) return null
  return (usage.promptTokens * pricing.inputPerMTok + usage.completionTokens * pricing.outputPerMTok) / 1_000_000
}
