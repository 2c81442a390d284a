/** Where downloads and fetched environments are cached between runs. */
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The cache folder: `BENCHGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/benchgen`, else
 * `~/.cache/benchgen`. Reads `env` when called (not at import) so tests and callers can pass their own.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BENCHGEN_CACHE_DIR) return env.BENCHGEN_CACHE_DIR
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'benchgen')
  return join(env.HOME || env.USERPROFILE || homedir(), '.cache', 'benchgen')
}
