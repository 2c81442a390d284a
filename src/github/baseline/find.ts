/**
 * Ask the baseline stores in order. The merge base's own entry wins wherever it is; failing that
 * the first fallback found (the newest entry of the base branch) is used and named as such, with
 * how far it is from the merge base when a `relate` function can tell.
 */
import { describeError } from '../../errors.js'
import type { CommitRelation } from '../merge-base.js'
import { shortSha } from '../octokit.js'
import { isMiss, type BaselineHit, type BaselineKey, type BaselineStore } from './types.js'

/** Options of {@link findBaseline}. */
export interface FindBaselineOptions {
  /**
   * How commit `from` relates to commit `to`, e.g. `(a, b) => compare(octokit, repo, a, b)`;
   * used to say how many commits a fallback baseline is before the merge base. Default: not
   * said.
   */
  relate?: (from: string, to: string) => Promise<CommitRelation | null>
}

/**
 * The baseline for `key`, or null when no store has one. `log` receives one line per store:
 * which one was used and why each other missed. Errors of a store are logged as misses, except
 * those of an `explicit` store (a folder the user named), which are thrown.
 */
export async function findBaseline(
  stores: readonly BaselineStore[],
  key: BaselineKey,
  log: (message: string) => void,
  options: FindBaselineOptions = {}
): Promise<BaselineHit | null> {
  let fallback: { hit: BaselineHit; store: string } | null = null
  for (const [index, store] of stores.entries()) {
    if (fallback && !key.sha) break
    let result
    try {
      result = await store.load(key, { exactOnly: fallback !== null })
    } catch (error) {
      if (store.explicit) throw error
      log(`Baseline from ${store.name}: lookup failed: ${describeError(error)}`)
      continue
    }
    if (isMiss(result)) {
      log(`Baseline from ${store.name}: none (${result.reason})`)
      continue
    }
    if (result.exact) {
      const hit = { ...result, description: `${result.description}, the merge base` }
      log(`Baseline from ${store.name}: using ${hit.description}`)
      return hit
    }
    if (!fallback) {
      fallback = { hit: result, store: store.name }
      if (key.sha && index < stores.length - 1) {
        log(`Baseline from ${store.name}: found ${result.description}, not the merge base's own entry; looking further for ${shortSha(key.sha)}`)
      }
    }
  }
  if (!fallback) {
    log('No baseline found.')
    return null
  }
  const hit = { ...fallback.hit, description: `${fallback.hit.description}, ${await distance(fallback.hit, key, options)}` }
  log(`Baseline from ${fallback.store}: using ${hit.description}`)
  return hit
}

/** "2 commits before the merge base 9f8e7d6", or the closest thing that is known. */
async function distance(hit: BaselineHit, key: BaselineKey, options: FindBaselineOptions): Promise<string> {
  if (!key.sha) return 'the newest found (the merge base is unknown)'
  const base = shortSha(key.sha)
  if (!hit.sha || !options.relate) return `not the merge base ${base}`
  const relation = await options.relate(hit.sha, key.sha).catch(() => null)
  if (!relation) return `not the merge base ${base}`
  const commits = (n: number): string => `${n} commit${n === 1 ? '' : 's'}`
  switch (relation.status) {
    case 'ahead':
      return `${commits(relation.aheadBy)} before the merge base ${base}`
    case 'behind':
      return `${commits(relation.behindBy)} after the merge base ${base}`
    case 'identical':
      return `the same commit as the merge base ${base}`
    case 'diverged':
      return `not an ancestor of the merge base ${base}`
  }
}
