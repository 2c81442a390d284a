/**
 * Exporting failing cases as training data, and the contamination check that answers "were any
 * of the cases I just evaluated in a training export?". Cases are matched by a hash of their
 * normalised input, not their id, so a copy survives renaming, reordering and resplitting.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { toFineTuneRows } from './artifacts.js'
import type { FineTuneRow } from './artifacts.js'
import type { CaseRecord } from './record.js'
import type { RunInfo } from './run-info.js'

/** sha256 of the input with whitespace collapsed and case folded. */
export function inputHash(input: string): string {
  return createHash('sha256').update(input.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase()).digest('hex')
}

/** The record kept beside an export: which cases left the evaluation set, by input hash. */
export const ExportManifest = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('benchgen-export'),
  environment: z.object({ name: z.string(), version: z.string(), hash: z.string() }),
  exportedAt: z.string(),
  includesHeldOut: z.boolean(),
  cases: z.array(z.object({ id: z.string(), phase: z.string(), heldOut: z.boolean(), inputHash: z.string() }))
})
export type ExportManifest = z.infer<typeof ExportManifest>

export interface ExportResult {
  rows: FineTuneRow[]
  manifest: ExportManifest
  /** Failing cases left out because their phase is held out. */
  skippedHeldOut: number
}

/** The failing cases of a run as fine-tune rows, with the manifest of what was exported. */
export function exportFailures(
  info: RunInfo,
  records: readonly CaseRecord[],
  options: { heldOutPhases: ReadonlySet<string>; includeHeldOut: boolean; choiceLetters?: string; now?: Date }
): ExportResult {
  const failing = records.filter((record) => record.status === 'fail')
  const chosen = failing.filter((record) => options.includeHeldOut || !options.heldOutPhases.has(record.phase))
  return {
    rows: toFineTuneRows(chosen, { includeHeldOut: true, ...(options.choiceLetters === undefined ? {} : { choiceLetters: options.choiceLetters }) }),
    skippedHeldOut: failing.length - chosen.length,
    manifest: {
      schemaVersion: 1,
      kind: 'benchgen-export',
      environment: { name: info.environment.name, version: info.environment.version, hash: info.environment.hash },
      exportedAt: (options.now ?? new Date()).toISOString(),
      includesHeldOut: chosen.some((record) => options.heldOutPhases.has(record.phase)),
      cases: chosen.map((record) => ({ id: record.id, phase: record.phase, heldOut: options.heldOutPhases.has(record.phase), inputHash: inputHash(record.input) }))
    }
  }
}

/**
 * Input hashes of a training file: an export manifest, or any chat-format JSONL (each row's user
 * turns are hashed, since the case input sits in the last user message of an exported prompt).
 */
export async function trainingHashes(path: string): Promise<Set<string>> {
  const text = await readFile(path, 'utf8')
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    const parsed = ExportManifest.safeParse(JSON.parse(text))
    if (parsed.success) return new Set(parsed.data.cases.map((c) => c.inputHash))
  }
  const hashes = new Set<string>()
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    let row: unknown
    try {
      row = JSON.parse(line)
    } catch {
      throw new ValidationError([{ file: path, line: i + 1, message: 'is not valid JSON', hint: 'pass an export manifest (.manifest.json) or a chat-format JSONL file' }])
    }
    const messages = (row as { messages?: { role?: string; content?: unknown }[] }).messages
    if (!Array.isArray(messages)) throw new ValidationError([{ file: path, line: i + 1, field: 'messages', message: 'is missing', hint: 'each line must be {"messages": [...]}' }])
    for (const message of messages) {
      if (message.role === 'user' && typeof message.content === 'string') {
        hashes.add(inputHash(message.content))
        // A templated prompt ends with the case input; its last paragraph is hashed too.
        const last = message.content.split(/\n\s*\n/).at(-1)
        if (last) hashes.add(inputHash(last))
      }
    }
  })
  return hashes
}

export interface ContaminationReport {
  file: string
  evaluated: number
  matched: number
  ids: string[]
}

export function contamination(records: readonly CaseRecord[], hashes: ReadonlySet<string>, file: string): ContaminationReport {
  const matched = records.filter((record) => hashes.has(inputHash(record.input)))
  return { file, evaluated: records.length, matched: matched.length, ids: matched.map((record) => `${record.phase}/${record.id}`) }
}
