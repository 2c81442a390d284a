/**
 * A run's fingerprint: the settings that change results. A rerun into the same folder resumes only
 * when fingerprints match, so a resumed run never mixes answers from two configurations. The
 * case limit and concurrency are left out: raising --limit extends a run, and concurrency does
 * not change answers.
 */
import { createHash } from 'node:crypto'

export interface FingerprintInput {
  environmentHash: string
  modelKey: string
  modelName: string
  phase: string
  generation: Record<string, unknown>
}

export function runFingerprint(input: FingerprintInput): string {
  const canonical = JSON.stringify([input.environmentHash, input.modelKey, input.modelName, input.phase, sortKeys(input.generation)])
  return createHash('sha256').update(canonical).digest('hex')
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)))
}
