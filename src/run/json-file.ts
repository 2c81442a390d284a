/** Small file helpers: atomic JSON writes (a kill never leaves half a run.json) and JSONL. */
import { randomBytes } from 'node:crypto'
import { rename, writeFile } from 'node:fs/promises'

/** A temporary name beside `path`, unique per call: concurrent writers never share one. */
const tempPath = (path: string): string => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`

/** Write JSON through a temporary file and a rename, so readers see the old or the new file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temp = tempPath(path)
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`)
  await rename(temp, path)
}

export async function writeJsonl(path: string, rows: Iterable<unknown>): Promise<void> {
  let text = ''
  for (const row of rows) text += `${JSON.stringify(row)}\n`
  const temp = tempPath(path)
  await writeFile(temp, text)
  await rename(temp, path)
}
