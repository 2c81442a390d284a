/** The shapes shared by the baseline stores and `findBaseline`. */

/** What a baseline is looked up by (DESIGN.md: environment hash + model key + commit sha). */
export interface BaselineKey {
  /** The environment's full content hash (run.json `environment.hash`). */
  environmentHash: string
  /** run.json `model.key`. */
  modelKey: string
  /**
   * The commit whose own entry is wanted: the merge base on a pull request, the pushed commit
   * when saving. Unset when unknown: only "newest entry of `branch`" lookups are possible then.
   */
  sha?: string
  /** The base branch (a PR's base, or the default branch), e.g. `main`. */
  branch: string
}

/** Where a baseline came from. */
export type BaselineSource = 'cache' | 'artifact' | 'file'

/** A baseline found by a store: a folder on disk holding run.json, scores.json and results.jsonl. */
export interface BaselineHit {
  /** The folder holding run.json, scores.json and results.jsonl. */
  dir: string
  /** The commit the baseline was evaluated at; null when unknown (a committed folder without git info). */
  sha: string | null
  source: BaselineSource
  /** The entry of the exact commit asked for (the merge base's own), not a fallback. */
  exact: boolean
  /** For humans, e.g. "main at 1a2b3c4, 2 commits before the merge base 9f8e7d6". */
  description: string
}

/** A store's answer when it has no baseline: why, in one sentence, for the log. */
export interface BaselineMiss {
  missed: true
  reason: string
}

/** Options of {@link BaselineStore.load}. */
export interface LoadOptions {
  /**
   * Only the entry of `key.sha` will do: another store already found a fallback, so a second
   * fallback is not worth a download. Default false.
   */
  exactOnly?: boolean
}

/** The outcome of saving a baseline; stores never throw for "could not save" (it is best-effort). */
export interface BaselineSaveResult {
  saved: boolean
  /** What was written (a cache key, an artifact name) or why nothing was. */
  detail: string
}

/** One place baselines are kept. */
export interface BaselineStore {
  /** Shown in logs: `cache`, `artifact`, `file`. */
  readonly name: string
  /**
   * When true a failure to load is the user's to fix (a path they configured does not hold a
   * baseline) and `findBaseline` rethrows it; otherwise failures are logged as misses.
   */
  readonly explicit?: boolean
  load(key: BaselineKey, options?: LoadOptions): Promise<BaselineHit | BaselineMiss>
  /** Store `runDir`'s baseline files under `key` (which must carry a sha). */
  save?(key: BaselineKey, runDir: string): Promise<BaselineSaveResult>
}

export const isMiss = (result: BaselineHit | BaselineMiss): result is BaselineMiss => 'missed' in result

export const miss = (reason: string): BaselineMiss => ({ missed: true, reason })
