/**
 * Re-scoring predictions without a model: `benchgen score`. Reads predictions.jsonl or a
 * submission.zip, pairs each prediction with its case by phase and id, scores it with the
 * environment's scorers and writes a run folder like a run does.
 *
 * The cases in scope are those the submission's run.json says were run (phase and limit), or,
 * without one, every case of the phases the predictions name. A case in scope without a
 * prediction counts as an error, so leaving out hard cases cannot raise the score.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { extractBundle } from '../environment/bundle.js'
import type { Environment, EnvCase } from '../environment/types.js'
import { aggregate } from '../scoring/aggregate.js'
import type { Scores } from '../scoring/metrics.js'
import { buildScorers } from '../scoring/registry.js'
import { BenchgenError, ValidationError } from '../errors.js'
import type { Issue } from '../errors.js'
import { TOOL_VERSION } from '../version.js'
import { errorRecord, scoreResponse } from './evaluate-case.js'
import { writeJsonl } from './json-file.js'
import { Prediction } from './record.js'
import type { CaseRecord } from './record.js'
import { RunInfo } from './run-info.js'
import { RUN_FILES, writeRunFolder } from './run-folder.js'
import { selectCases } from './run.js'

export interface Submission {
  predictions: Prediction[]
  /** The configuration saved with a submission.zip; absent for a bare predictions file. */
  info?: Partial<RunInfo>
}

const predictionKey = (p: Pick<Prediction, 'phase' | 'id'>): string => `${p.phase}/${p.id}`

/**
 * Parse predictions JSONL text; every bad line is reported with its number, and so is a second
 * prediction for the same phase and id.
 */
export function parsePredictions(text: string, file: string): Prediction[] {
  const predictions: Prediction[] = []
  const issues: Issue[] = []
  const firstLine = new Map<string, number>()
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      issues.push({ file, line: i + 1, message: 'is not valid JSON', hint: 'each line must be {"id", "phase", "response"}' })
      return
    }
    const parsed = Prediction.safeParse(value)
    if (!parsed.success) {
      const first = parsed.error.issues[0]
      issues.push({ file, line: i + 1, field: first?.path.join('.'), message: first?.message ?? 'is not a prediction' })
      return
    }
    const key = predictionKey(parsed.data)
    const seen = firstLine.get(key)
    if (seen !== undefined) {
      issues.push({ file, line: i + 1, message: `repeats the prediction for "${key}" (first on line ${seen})`, hint: 'each case may have one prediction' })
      return
    }
    firstLine.set(key, i + 1)
    predictions.push(parsed.data)
  })
  if (issues.length > 0) throw new ValidationError(issues, `${file}: ${issues.length} bad prediction line(s):`)
  return predictions
}

/** Caps for a submission.zip: it is untrusted input like any bundle, and holds two small files. */
const SUBMISSION_LIMITS = { maxEntries: 10, maxFileBytes: 512 * 1024 ** 2, maxTotalBytes: 1024 ** 3 }

/** run.json inside a submission, checked loosely: every field optional, present ones well-formed. */
const SavedRunInfo = RunInfo.partial()

/**
 * Read predictions.jsonl, or a submission.zip (predictions.jsonl and optionally run.json). A zip
 * is extracted with real-size caps into a temporary folder, which is removed afterwards.
 */
export async function readSubmission(path: string): Promise<Submission> {
  if (!path.endsWith('.zip')) return { predictions: parsePredictions(await readFile(path, 'utf8'), path) }
  const { dir } = await extractBundle(path, SUBMISSION_LIMITS)
  try {
    const read = async (name: string): Promise<string | undefined> => {
      try {
        return await readFile(join(dir, name), 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined
        throw error
      }
    }
    const predictionsText = await read('predictions.jsonl')
    if (predictionsText === undefined) {
      throw new ValidationError([{ file: path, message: 'has no predictions.jsonl', hint: 'pass a submission.zip written by benchgen run' }])
    }
    const predictions = parsePredictions(predictionsText, `${path}!predictions.jsonl`)
    const infoText = await read('run.json')
    if (infoText === undefined) return { predictions }
    return { predictions, info: parseSavedInfo(infoText, `${path}!run.json`) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function parseSavedInfo(text: string, file: string): Partial<RunInfo> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError([{ file, message: 'is not valid JSON', hint: 'pass a submission.zip written by benchgen run' }], undefined, { cause })
  }
  const result = SavedRunInfo.safeParse(json)
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((issue) => ({ file, ...(issue.path.length ? { field: issue.path.join('.') } : {}), message: issue.message })),
      `${file} is not a run.json written by benchgen run:`
    )
  }
  return result.data
}

/**
 * The cases a submission covers: those of its run.json's phase and limit when it has them,
 * else every case of the phases its predictions name.
 */
function casesInScope(environment: Environment, submission: Submission): { cases: EnvCase[]; described: string } {
  const settings = submission.info?.settings
  if (settings) {
    const limit = settings.limit ?? undefined
    // A rescored folder records "a,b" when it covered several phases.
    const phases = settings.phase.split(',').filter(Boolean)
    const cases = phases.flatMap((phase) => selectCases(environment, phase, limit))
    return { cases, described: `phase "${settings.phase}"${limit === undefined ? '' : ` (first ${limit} cases)`} from the submission's run.json` }
  }
  const phases = [...new Set(submission.predictions.map((p) => p.phase))]
  return { cases: phases.flatMap((phase) => environment.phases[phase] ?? []), described: `phase(s) ${phases.map((p) => `"${p}"`).join(', ')}` }
}

export interface RescoreOptions {
  environment: Environment
  submission: Submission
  outDir: string
  /** Score even if the submission was made against another environment hash. */
  allowHashMismatch?: boolean
}

export async function rescore(options: RescoreOptions): Promise<{ info: RunInfo; scores: Scores; records: CaseRecord[] }> {
  const { environment, submission } = options
  const savedHash = submission.info?.environment?.hash
  if (savedHash && savedHash !== environment.hash && !options.allowHashMismatch) {
    throw new BenchgenError(
      `the submission was made against environment hash ${savedHash.slice(0, 12)}, not ${environment.hash.slice(0, 12)} (${environment.manifest.name}@${environment.manifest.version}); ` +
        'pass --allow-hash-mismatch to score it anyway'
    )
  }
  const duplicates: Issue[] = []
  const byPrediction = new Map<string, Prediction>()
  submission.predictions.forEach((prediction, i) => {
    const key = predictionKey(prediction)
    if (byPrediction.has(key)) duplicates.push({ field: `predictions[${i}]`, message: `repeats the prediction for "${key}"`, hint: 'each case may have one prediction' })
    else byPrediction.set(key, prediction)
  })
  if (duplicates.length > 0) throw new ValidationError(duplicates, `${duplicates.length} duplicate prediction(s):`)

  const allCases = new Set<string>()
  for (const cases of Object.values(environment.phases)) for (const item of cases) allCases.add(predictionKey(item))
  const scope = casesInScope(environment, submission)
  const inScope = new Set(scope.cases.map(predictionKey))
  const outside = submission.predictions.filter((p) => !inScope.has(predictionKey(p)))
  if (outside.length > 0) {
    throw new ValidationError(
      outside.slice(0, 20).map((p) => ({
        field: 'id',
        message: allCases.has(predictionKey(p))
          ? `prediction "${predictionKey(p)}" is not among the cases in scope (${scope.described})`
          : `prediction "${predictionKey(p)}" matches no case of ${environment.manifest.name}`
      })),
      `${outside.length} prediction(s) match no case in scope (wrong environment or phase?):`
    )
  }
  const scoring = environment.manifest.scoring
  const scorers = await buildScorers(scoring, { root: environment.root })
  const now = new Date().toISOString()
  const records: CaseRecord[] = []
  for (const item of scope.cases) {
    const prediction = byPrediction.get(predictionKey(item))
    if (!prediction) {
      records.push(errorRecord(item, new BenchgenError('no prediction for this case'), { attempts: 0 }))
      continue
    }
    if (prediction.response === null) {
      records.push(errorRecord(item, new BenchgenError(prediction.error ?? 'no response'), { attempts: 1 }))
      continue
    }
    const scored = await scoreResponse(item, prediction.response, { scorers, scoring })
    records.push({
      id: item.id, phase: item.phase, index: item.index, tags: item.tags, input: item.input, target: item.target,
      ...(item.choices ? { choices: item.choices } : {}), metadata: item.metadata, source: item.source,
      response: prediction.response, ...scored, error: null, attempts: 1, latencyMs: 0, usage: null, costUsd: null, startedAt: now, endedAt: now
    })
  }
  const phases = [...new Set(records.map((r) => r.phase))]
  const saved = submission.info
  const info: RunInfo = {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: TOOL_VERSION },
    environment: { name: environment.manifest.name, version: environment.manifest.version, hash: environment.hash, source: environment.source },
    model: saved?.model ?? { key: 'predictions', name: 'predictions', baseUrl: '', api: environment.manifest.harness.api },
    settings: saved?.settings ?? { phase: phases.join(','), limit: null, concurrency: 0, timeoutMs: 0, maxRetries: 0, generation: {} },
    fingerprint: saved?.fingerprint ?? 'rescored',
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    git: saved?.git ?? {},
    cases: records.length
  }
  const scores = aggregate(records, { durationMs: 0 })
  await writeRunFolder({ outDir: options.outDir, info, scores, records, environment })
  // writeRunFolder leaves results.jsonl to the run, which appends it as it goes; compare reads it.
  await writeJsonl(join(options.outDir, RUN_FILES.results), records)
  return { info, scores, records }
}
