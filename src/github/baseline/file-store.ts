/**
 * A baseline committed to the repository (`baseline: path/to/results`): a run folder the user
 * points at. Because the user asked for it by name, a folder that does not hold a baseline is an
 * error naming the missing file, not a quiet miss.
 *
 * The environment hash is deliberately not checked here: a committed baseline of an older
 * version of the environment is still compared, and the diff flags the hash mismatch.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ValidationError } from '../../errors.js'
import { shortSha } from '../octokit.js'
import { BASELINE_FILES, readBaselineFolder } from './folder.js'
import type { BaselineHit, BaselineKey, BaselineStore } from './types.js'

/** Options of {@link fileStore}. */
export interface FileStoreOptions {
  /** The folder as the user wrote it (shown in messages). */
  path: string
  /** What a relative `path` is relative to. Default: the process's working directory. */
  cwd?: string
}

export function fileStore(options: FileStoreOptions): BaselineStore {
  const dir = resolve(options.cwd ?? process.cwd(), options.path)
  return {
    name: 'file',
    explicit: true,

    async load(key: BaselineKey): Promise<BaselineHit> {
      const info = await stat(dir).catch(() => null)
      if (!info?.isDirectory()) {
        throw new ValidationError(
          [{ file: dir, message: info ? 'is a file, not a folder' : 'does not exist', hint: `the baseline input names a folder holding ${BASELINE_FILES.join(', ')}` }],
          `Baseline folder "${options.path}" cannot be used:`
        )
      }
      const run = await readBaselineFolder(dir)
      const sha = run.git.sha ?? null
      return {
        dir,
        sha,
        source: 'file',
        exact: sha !== null && key.sha !== undefined && sha === key.sha,
        description: `the folder ${options.path}${sha ? ` (commit ${shortSha(sha)})` : ''}`
      }
    }
  }
}
