/**
 * Baselines in the Actions cache. A default-branch run saves its baseline files under
 * `benchgen-<hash16>-<model>--<sha>`; a PR restores the merge base's key, else (restore keys
 * match by prefix, newest first) the newest entry of the base branch, which the cache's branch
 * scoping lets a PR read. The sha is parsed back out of the key that matched.
 *
 * The cache functions are injected: the default loads @actions/cache on first use (it is heavy
 * and most runs never touch it); tests pass a double of that API.
 */
import { rm } from 'node:fs/promises'
import { describeError } from '../../errors.js'
import { shortSha } from '../octokit.js'
import { copyBaselineFiles, mismatchWithKey, readBaselineFolder } from './folder.js'
import { baselineCacheKey, baselineCachePrefix, shaFromCacheKey } from './names.js'
import { miss, type BaselineHit, type BaselineKey, type BaselineMiss, type BaselineSaveResult, type BaselineStore, type LoadOptions } from './types.js'

/** The part of @actions/cache this store uses (the same signatures). */
export interface CacheFunctions {
  /** Whether the runner exposes the cache service (ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL). */
  isFeatureAvailable(): boolean
  /** Restore `paths`; resolves to the key that matched, or undefined on a miss. */
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>
  /** Save `paths` under `key`; resolves to the cache id, -1 when nothing was saved. */
  saveCache(paths: string[], key: string): Promise<number>
}

/** @actions/cache, imported on first use. */
export async function actionsCache(): Promise<CacheFunctions> {
  const cache = await import('@actions/cache')
  return {
    isFeatureAvailable: () => cache.isFeatureAvailable(),
    restoreCache: (paths, primaryKey, restoreKeys) => cache.restoreCache(paths, primaryKey, restoreKeys),
    saveCache: (paths, key) => cache.saveCache(paths, key)
  }
}

/** Options of {@link cacheStore}. */
export interface CacheStoreOptions {
  /**
   * The folder entries are saved from and restored into; emptied before each use. It must be
   * spelled the same on the saving and the restoring run, because the cache's entry version is
   * a hash of the paths: a path under the workspace or RUNNER_TEMP that does not vary between
   * runs, e.g. `${RUNNER_TEMP}/benchgen-baseline`.
   */
  dir: string
  /** The cache API, or a loader of it. Default: {@link actionsCache}. */
  cache?: CacheFunctions | (() => Promise<CacheFunctions>)
}

const UNAVAILABLE = 'the Actions cache service is not available on this runner (ACTIONS_CACHE_URL/ACTIONS_RESULTS_URL unset)'

export function cacheStore(options: CacheStoreOptions): BaselineStore {
  const { dir } = options
  let loaded: Promise<CacheFunctions> | undefined
  const api = (): Promise<CacheFunctions> => {
    const source = options.cache ?? actionsCache
    loaded ??= typeof source === 'function' ? source() : Promise.resolve(source)
    return loaded
  }

  return {
    name: 'cache',

    async load(key: BaselineKey, loadOptions: LoadOptions = {}): Promise<BaselineHit | BaselineMiss> {
      const cache = await api()
      if (!cache.isFeatureAvailable()) return miss(UNAVAILABLE)
      const prefix = baselineCachePrefix(key)
      if (!key.sha && loadOptions.exactOnly) return miss('no merge base to look up')
      const primary = key.sha ? baselineCacheKey(key, key.sha) : prefix
      // Without a sha the prefix is also the restore key: the service matches restore keys by
      // prefix, the primary key exactly.
      const restoreKeys = loadOptions.exactOnly ? [] : [prefix]
      await rm(dir, { recursive: true, force: true })
      let matched: string | undefined
      try {
        matched = await cache.restoreCache([dir], primary, restoreKeys)
      } catch (error) {
        return miss(`restoring ${primary} failed: ${describeError(error)}`)
      }
      if (!matched) {
        if (!key.sha) return miss(`no entry under the prefix ${prefix}`)
        return miss(loadOptions.exactOnly ? `no entry for ${primary}` : `no entry for ${primary} nor under the prefix ${prefix}`)
      }
      const sha = shaFromCacheKey(prefix, matched)
      let problem: string | null
      try {
        problem = mismatchWithKey(await readBaselineFolder(dir), key)
      } catch (error) {
        problem = describeError(error)
      }
      if (problem) return miss(`entry ${matched} is unusable: ${problem}`)
      const exact = key.sha !== undefined && sha === key.sha
      return { dir, sha, source: 'cache', exact, description: `${key.branch} at ${sha ? shortSha(sha) : 'an unknown commit'}` }
    },

    async save(key: BaselineKey, runDir: string): Promise<BaselineSaveResult> {
      if (!key.sha) return { saved: false, detail: 'no commit sha to key the entry by' }
      const cache = await api()
      if (!cache.isFeatureAvailable()) return { saved: false, detail: UNAVAILABLE }
      const cacheKey = baselineCacheKey(key, key.sha)
      try {
        await rm(dir, { recursive: true, force: true })
        await copyBaselineFiles(runDir, dir)
        const id = await cache.saveCache([dir], cacheKey)
        // -1: @actions/cache logged why (an existing key, a read-only cache mode).
        return id === -1 ? { saved: false, detail: `the cache did not save ${cacheKey} (see the messages above)` } : { saved: true, detail: cacheKey }
      } catch (error) {
        return { saved: false, detail: `saving ${cacheKey} failed: ${describeError(error)}` }
      }
    }
  }
}
