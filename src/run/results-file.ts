/**
 * `results.jsonl`: append-only, one CaseRecord per line, written as each case completes so a
 * killed run loses at most the cases in flight. A kill can leave a torn last line; the reader
 * drops it (and the writer truncates it away before appending) so no case is counted twice or
 * half.
 */
import { open, readFile, stat, truncate } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { CaseRecord } from './record.js'
import { ValidationError } from '../errors.js'

export interface ReadResults {
  records: CaseRecord[]
  /** Byte length of the valid prefix; anything after it was a torn write. */
  validBytes: number
  /** Lines dropped because a kill cut them short. */
  tornLines: number
}

/** Read a results file, tolerating a torn final line. Missing file → no records. */
export async function readResults(path: string): Promise<ReadResults> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validBytes: 0, tornLines: 0 }
    throw error
  }
  const records: CaseRecord[] = []
  let offset = 0
  let line = 0
  let tornLines = 0
  while (offset < text.length) {
    const end = text.indexOf('\n', offset)
    line++
    if (end === -1) {
      // No newline: the process died mid-write. Everything before is intact.
      tornLines++
      break
    }
    const raw = text.slice(offset, end)
    if (raw.trim() !== '') {
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch (cause) {
        throw new ValidationError([{ file: path, line, message: 'is not valid JSON', hint: 'results.jsonl was edited or corrupted; delete the line or rerun with --fresh' }], undefined, { cause })
      }
      const result = CaseRecord.safeParse(parsed)
      if (!result.success) {
        const issue = result.error.issues[0]
        throw new ValidationError([{ file: path, line, field: issue?.path.join('.'), message: issue?.message ?? 'is not a result record' }])
      }
      records.push(result.data)
    }
    offset = end + 1
  }
  return { records, validBytes: Buffer.byteLength(text.slice(0, offset)), tornLines }
}

export interface ResultsWriter {
  append(record: CaseRecord): Promise<void>
  /** fsync what was written so far: the resume point survives a power cut, not only a kill. */
  checkpoint(): Promise<void>
  close(): Promise<void>
}

/**
 * Open `path` for appending, first cutting a torn tail off at `validBytes` (from readResults).
 * Appends are group-committed: records that arrive while a write is in flight go out together in
 * the next single write, always as whole lines, so 64 workers finishing at once cost one write,
 * not 64 queued ones. A record's promise resolves once its line is written.
 */
export async function openResultsWriter(path: string, validBytes = 0): Promise<ResultsWriter> {
  try {
    const size = (await stat(path)).size
    if (size > validBytes) await truncate(path, validBytes)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const handle: FileHandle = await open(path, 'a')
  let pending: { line: string; settle: (error?: unknown) => void }[] = []
  let flushing: Promise<void> | null = null

  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending
      pending = []
      try {
        await handle.write(batch.map((item) => item.line).join(''))
        for (const item of batch) item.settle()
      } catch (error) {
        for (const item of batch) item.settle(error)
      }
    }
    flushing = null
  }
  const drained = async (): Promise<void> => {
    while (flushing) await flushing
  }

  return {
    append: (record) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ line: `${JSON.stringify(record)}\n`, settle: (error) => (error === undefined ? resolve() : reject(error)) })
        flushing ??= flush()
      }),
    checkpoint: async () => {
      await drained()
      await handle.datasync()
    },
    close: async () => {
      await drained()
      await handle.datasync()
      await handle.close()
    }
  }
}
