/**
 * The derived files of a run folder, all computed from results.jsonl: predictions.jsonl,
 * failures.jsonl (a fine-tune set), scores.json. Pure builders plus one writer each.
 */
import type { ChatMessage } from '../model/types.js'
import { allowedLetters, targetLetter } from '../scoring/choice.js'
import type { Scores } from '../scoring/metrics.js'
import type { CaseRecord, Prediction } from './record.js'
import { writeJsonAtomic, writeJsonl } from './json-file.js'

/** One row of failures.jsonl, in the OpenAI chat fine-tuning format. */
export interface FineTuneRow {
  messages: ChatMessage[]
}

export function toPredictions(records: readonly CaseRecord[]): Prediction[] {
  return records.map((record) => ({ id: record.id, phase: record.phase, response: record.response, error: record.error?.message ?? null }))
}

/**
 * The failing cases as training examples: the prompt that was sent, then the reference answer
 * as the assistant turn. Errors are left out (the model never answered), and so are held-out
 * phases unless asked for, so an evaluation set does not leak into training by default.
 */
export function toFineTuneRows(
  records: readonly CaseRecord[],
  options: { heldOutPhases?: ReadonlySet<string>; includeHeldOut?: boolean; choiceLetters?: string } = {}
): FineTuneRow[] {
  const rows: FineTuneRow[] = []
  for (const record of records) {
    if (record.status !== 'fail') continue
    if (!options.includeHeldOut && options.heldOutPhases?.has(record.phase)) continue
    const prompt: ChatMessage[] = record.messages ?? [{ role: 'user', content: record.prompt ?? record.input }]
    rows.push({ messages: [...prompt, { role: 'assistant', content: referenceAnswer(record, options.choiceLetters) }] })
  }
  return rows
}

/**
 * The answer a model should have given. For multiple choice scored by letter, the target (an
 * index, a letter or the choice's text) becomes its letter, as the prompt asks for.
 */
function referenceAnswer(record: CaseRecord, choiceLetters: string | undefined): string {
  const target = Array.isArray(record.target) ? (record.target[0] ?? '') : record.target
  if (choiceLetters === undefined) return target
  const allowed = allowedLetters(choiceLetters, record.choices)
  return targetLetter(target, allowed, record.choices) ?? target
}

/** Sorted keys, so two scores.json files diff cleanly. */
export function sortScores(scores: Scores): Scores {
  return Object.fromEntries(Object.entries(scores).sort(([a], [b]) => a.localeCompare(b)))
}

/** Records in report order: by phase, then dataset position. */
export function orderRecords(records: readonly CaseRecord[]): CaseRecord[] {
  return [...records].sort((a, b) => (a.phase === b.phase ? a.index - b.index : a.phase.localeCompare(b.phase)))
}

export async function writePredictions(path: string, records: readonly CaseRecord[]): Promise<void> {
  await writeJsonl(path, toPredictions(records))
}

export async function writeFailures(path: string, rows: readonly FineTuneRow[]): Promise<void> {
  await writeJsonl(path, rows)
}

export async function writeScores(path: string, scores: Scores): Promise<void> {
  await writeJsonAtomic(path, sortScores(scores))
}
