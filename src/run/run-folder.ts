/**
 * Writes every file of a run folder from the run's records. Used at the end of a run and by
 * `benchgen score`, so both produce the same folder.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Environment } from '../environment/types.js'
import { renderReport } from '../report/html.js'
import { scorerNames } from '../scoring/registry.js'
import { toJUnit } from '../report/junit.js'
import type { Scores } from '../scoring/metrics.js'
import { orderRecords, toFineTuneRows, writeFailures, writePredictions, writeScores } from './artifacts.js'
import { writeJsonAtomic } from './json-file.js'
import type { CaseRecord } from './record.js'
import { RunInfo } from './run-info.js'
import { readResults } from './results-file.js'
import { ValidationError } from '../errors.js'
import { writeSubmission } from './submission.js'

/** File names inside a run folder. */
export const RUN_FILES = {
  info: 'run.json',
  results: 'results.jsonl',
  predictions: 'predictions.jsonl',
  scores: 'scores.json',
  failures: 'failures.jsonl',
  submission: 'submission.zip',
  report: 'report.html',
  junit: 'junit.xml'
} as const

export interface RunFolderInput {
  outDir: string
  info: RunInfo
  scores: Scores
  records: readonly CaseRecord[]
  environment: Pick<Environment, 'manifest'>
}

export async function writeRunFolder(input: RunFolderInput): Promise<void> {
  const { outDir, info, scores } = input
  const records = orderRecords(input.records)
  const heldOutPhases = new Set(
    Object.entries(input.environment.manifest.phases ?? {})
      .filter(([, phase]) => phase.heldOut)
      .map(([name]) => name)
  )
  await writeJsonAtomic(join(outDir, RUN_FILES.info), info)
  await writeScores(join(outDir, RUN_FILES.scores), scores)
  await writePredictions(join(outDir, RUN_FILES.predictions), records)
  await writeFailures(join(outDir, RUN_FILES.failures), toFineTuneRows(records, { heldOutPhases, ...choiceOptions(input.environment.manifest) }))
  await writeSubmission(join(outDir, RUN_FILES.submission), { info, records })
  await writeFile(join(outDir, RUN_FILES.junit), toJUnit(info, records))
  await writeFile(join(outDir, RUN_FILES.report), renderReport({ info, scores, records }))
}

/** A finished run read back from its folder: what compare, diff and the action consume. */
export interface RunFolder {
  dir: string
  info: RunInfo
  scores: Scores
  records: CaseRecord[]
}

/** Read run.json, scores.json and results.jsonl, with errors that name the file and what to do. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(dir, name), 'utf8')
    } catch (cause) {
      throw new ValidationError([{ file: join(dir, name), message: 'cannot be read', hint: 'pass a run folder written by benchgen run (it holds run.json, scores.json and results.jsonl)' }], undefined, { cause })
    }
  }
  const parseJson = (name: string, text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch (cause) {
      throw new ValidationError([{ file: join(dir, name), message: 'is not valid JSON' }], undefined, { cause })
    }
  }
  const infoResult = RunInfo.safeParse(parseJson(RUN_FILES.info, await read(RUN_FILES.info)))
  if (!infoResult.success) {
    throw new ValidationError(infoResult.error.issues.map((issue) => ({ file: join(dir, RUN_FILES.info), field: issue.path.join('.'), message: issue.message })))
  }
  const scores = parseJson(RUN_FILES.scores, await read(RUN_FILES.scores)) as Scores
  await read(RUN_FILES.results)
  const { records } = await readResults(join(dir, RUN_FILES.results))
  return { dir, info: infoResult.data, scores, records }
}

/** When the primary scorer reads choice letters, training answers are letters too. */
export function choiceOptions(manifest: Pick<Environment['manifest'], 'scoring'>): { choiceLetters?: string } {
  const { scorers, primary } = manifest.scoring
  const names = scorerNames(scorers)
  const index = primary === undefined ? 0 : names.indexOf(primary)
  const scorer = scorers[index]
  return scorer?.type === 'choice' ? { choiceLetters: scorer.letters } : {}
}
