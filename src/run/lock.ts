/**
 * One run at a time per run folder: two processes appending to one results.jsonl would ask the
 * model twice for the same cases. A lock file holds the owner's pid; a lock left by a killed
 * process (its pid no longer runs) is taken over, so a SIGKILL never blocks the resume.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BenchgenError } from '../errors.js'

export class RunLockedError extends BenchgenError {
  override name = 'RunLockedError'
  override readonly exitCode = 2
}

const LOCK_FILE = '.benchgen.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Take the folder's lock; resolves to its release function. */
export async function lockRunFolder(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' })
      return () => rm(path, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim())
      if (Number.isInteger(owner) && owner > 0 && (owner === process.pid || alive(owner))) {
        throw new RunLockedError(`another benchgen run (pid ${owner}) is writing to ${dir}; wait for it, or use another --out folder`)
      }
      await rm(path, { force: true })
    }
  }
  throw new RunLockedError(`could not lock ${dir}: another run keeps taking it`)
}
