/**
 * Names under which baselines are stored: the Actions cache key and the artifact name. Both
 * embed the first 16 hex characters of the environment hash and the model key.
 */
import type { BaselineKey } from './types.js'

/** Hex characters of the environment hash used in keys and names. */
export const HASH_CHARS = 16

/**
 * The model key as a key segment. Keys written by `modelKey()` only hold `[a-z0-9._@-]`, never
 * `--` and never end with `-`; anything else (a hand-written run.json) is folded into that
 * alphabet so the `--` before the sha stays an unambiguous separator.
 */
export function modelSegment(modelKey: string): string {
  const folded = modelKey
    .replace(/[^A-Za-z0-9._@-]+/g, '_')
    .replace(/-{2,}/g, '-')
    .replace(/-+$/, '')
  return folded || '_'
}

/**
 * Prefix of every cache key of one environment and model: `benchgen-<hash16>-<model>--`.
 *
 * Why `--` rather than `-` before the sha: the cache matches restore keys by prefix, and model
 * keys contain `-` (`llama@127.0.0.1` and `llama@127.0.0.1-8000` are two models), so with a
 * single `-` the first model's prefix would also match the second model's entries.
 */
export function baselineCachePrefix(key: Pick<BaselineKey, 'environmentHash' | 'modelKey'>): string {
  return `benchgen-${key.environmentHash.slice(0, HASH_CHARS)}-${modelSegment(key.modelKey)}--`
}

/** The cache key of one commit's baseline: `benchgen-<hash16>-<model>--<sha>`. */
export function baselineCacheKey(key: Pick<BaselineKey, 'environmentHash' | 'modelKey'>, sha: string): string {
  return `${baselineCachePrefix(key)}${sha}`
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/

/** The sha at the end of a cache key under `prefix`, or null when the key is not one of ours. */
export function shaFromCacheKey(prefix: string, cacheKey: string): string | null {
  if (!cacheKey.startsWith(prefix)) return null
  const sha = cacheKey.slice(prefix.length)
  return SHA.test(sha) ? sha : null
}

/**
 * The artifact the action uploads with a default-branch run's baseline files:
 * `benchgen-baseline-<hash16>-<model>`. Artifact names may not hold `" : < > | * ? \ /` or line
 * breaks; model keys never do, and `modelSegment` folds anything else away.
 */
export function baselineArtifactName(environmentHash: string, modelKey: string): string {
  return `benchgen-baseline-${environmentHash.slice(0, HASH_CHARS)}-${modelSegment(modelKey)}`
}

export const isSha = (value: string): boolean => SHA.test(value)
