/** The commit a run evaluated, recorded in run.json when it can be known cheaply. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export async function gitInfo(cwd: string, env: NodeJS.ProcessEnv): Promise<{ sha?: string; ref?: string }> {
  if (env.GITHUB_SHA) return { sha: env.GITHUB_SHA, ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}) }
  try {
    const [sha, ref] = await Promise.all([
      run('git', ['rev-parse', 'HEAD'], { cwd, timeout: 2000 }),
      run('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd, timeout: 2000 })
    ])
    return { sha: sha.stdout.trim(), ref: ref.stdout.trim() }
  } catch {
    return {}
  }
}
