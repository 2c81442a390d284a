/**
 * `submission.zip`: the run's predictions and configuration, enough to re-score offline with
 * `benchgen score` against the same environment. Deterministic: the same run gives the same bytes.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import yazl from 'yazl'
import { toPredictions } from './artifacts.js'
import type { CaseRecord } from './record.js'
import type { RunInfo } from './run-info.js'

/** A fixed timestamp: zip entries carry mtimes, and we want byte-identical archives. */
const ZIP_EPOCH = new Date('1980-01-01T00:00:00Z')

export async function writeSubmission(path: string, run: { info: RunInfo; records: readonly CaseRecord[] }): Promise<void> {
  const zip = new yazl.ZipFile()
  const add = (name: string, text: string): void => zip.addBuffer(Buffer.from(text), name, { mtime: ZIP_EPOCH, mode: 0o100644 })
  const { startedAt: _s, endedAt: _e, durationMs: _d, ...configuration } = run.info
  add('run.json', `${JSON.stringify(configuration, null, 2)}\n`)
  add('predictions.jsonl', toPredictions(run.records).map((row) => `${JSON.stringify(row)}\n`).join(''))
  zip.end()
  const out = createWriteStream(path)
  zip.outputStream.pipe(out)
  await once(out, 'close')
}
