/**
 * Few-shot example selection. Each case gets its own deterministic sample, seeded by the
 * manifest's seed and the case id, so a resumed or sharded run sends exactly the prompts an
 * uninterrupted run would (lm-eval seeds one generator per task, which ties a case's examples to
 * the order cases were visited in).
 */
import { createHash } from 'node:crypto'
import type { EnvCase } from '../environment/types.js'
import type { FewShot } from '../environment/manifest.js'

/** Pick `config.count` examples for `target` from `pool`, never the case itself. */
export function selectFewShot(pool: readonly EnvCase[], target: EnvCase, config: FewShot): EnvCase[] {
  if (config.count === 0 || pool.length === 0) return []
  const candidates = pool.filter((example) => !(example.id === target.id && example.phase === target.phase))
  if (config.sampler === 'first_n') return candidates.slice(0, config.count)
  const random = seededRandom(`${config.seed}:${target.phase}:${target.id}`)
  // Partial Fisher–Yates: only the first `count` positions need shuffling.
  const picked = candidates.slice()
  const count = Math.min(config.count, picked.length)
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (picked.length - i))
    const swap = picked[i] as EnvCase
    picked[i] = picked[j] as EnvCase
    picked[j] = swap
  }
  return picked.slice(0, count)
}

/** mulberry32 seeded from a sha256 of the key: small, fast and identical on every platform. */
export function seededRandom(key: string): () => number {
  let state = createHash('sha256').update(key).digest().readUInt32LE(0)
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
