/** Options shared by loading, validating and resolving environment references. */
import type { Dispatcher } from 'undici'

export interface LoadOptions {
  /** Folder relative paths are resolved against. Default: `process.cwd()`. */
  cwd?: string
  /** Where downloads and fetched environments are cached. Default: `defaultCacheDir()`. */
  cacheDir?: string
  /** The built-in hub folder searched by `hub:NAME`. Default: `environments/` of this package. */
  hubDir?: string
  /** GitHub REST API base for `github:` refs. Default `https://api.github.com` (set for GHES). */
  githubApiUrl?: string
  /** Token sent to the GitHub API (private repositories, rate limits). Default: none. */
  githubToken?: string
  /** JSON index of published bundles, searched by `hub:NAME` when the hub folder lacks it. */
  hubIndexUrl?: string
  /** undici dispatcher for every request (proxies, tests). Default: undici's global dispatcher. */
  dispatcher?: Dispatcher
}
