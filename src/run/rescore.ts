/**
 * Re-scoring predictions without a model: `benchgen score`. Reads predictions.jsonl or a
 * submission.zip, pairs each prediction with its case by phase and id, scores it with the
 * environment's scorers and writes a run folder like a run does.
 */
import { readFile } from 'node:fs/promises'
import unzipper from 'unzipper'
import type { Environment, EnvCase } from '../environment/types.js'
import { aggregate } from '../scoring/aggregate.js'
import type { Scores } from '../scoring/metrics.js'
import { buildScorers } from '../scoring/registry.js'
import { BenchgenError, ValidationError } from '../errors.js'
import type { Issue } from '../errors.js'
import { TOOL_VERSION } from '../version.js'
import { errorRecord, scoreResponse } from './evaluate-case.js'
import { Prediction } from './record.js'
import type { CaseRecord } from './record.js'
import type { RunInfo } from './run-info.js'
import { writeRunFolder } from './run-folder.js'

export interface Submission {
  predictions: Prediction[]
  /** The configuration saved with a submission.zip; absent for a bare predictions file. */
  info?: Partial<RunInfo>
}

/** Parse predictions JSONL text; every bad line is reported with its number. */
export function parsePredictions(text: string, file: string): Prediction[] {
  const predictions: Prediction[] = []
  const issues: Issue[] = []
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
    if (parsed.success) predictions.push(parsed.data)
    else {
      const first = parsed.error.issues[0]
      issues.push({ file, line: i + 1, field: first?.path.join('.'), message: first?.message ?? 'is not a prediction' })
    }
  })
  if (issues.length > 0) throw new ValidationError(issues, `${file}: ${issues.length} bad prediction line(s):`)
  return predictions
}

export async function readSubmission(path: string): Promise<Submission> {
  if (!path.endsWith('.zip')) return { predictions: parsePredictions(await readFile(path, 'utf8'), path) }
  const directory = await unzipper.Open.file(path)
  const entry = (name: string) => directory.files.find((file) => file.path === name && file.type === 'File')
  const predictionsEntry = entry('predictions.jsonl')
  if (!predictionsEntry) throw new ValidationError([{ file: path, message: 'has no predictions.jsonl', hint: 'pass a submission.zip written by benchgen run' }])
  // Caps: a submission is untrusted input like any bundle.
  if (predictionsEntry.uncompressedSize > 512 * 1024 * 1024) throw new ValidationError([{ file: path, message: 'predictions.jsonl is larger than 512 MiB' }])
  const predictions = parsePredictions((await predictionsEntry.buffer()).toString('utf8'), `${path}!predictions.jsonl`)
  const infoEntry = entry('run.json')
  const info = infoEntry && infoEntry.uncompressedSize < 10 * 1024 * 1024 ? (JSON.parse((await infoEntry.buffer()).toString('utf8')) as Partial<RunInfo>) : undefined
  return { predictions, ...(info ? { info } : {}) }
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
  const byKey = new Map<string, EnvCase>()
  for (const cases of Object.values(environment.phases)) for (const item of cases) byKey.set(`${item.phase}/${item.id}`, item)
  const unknown = submission.predictions.filter((p) => !byKey.has(`${p.phase}/${p.id}`))
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.slice(0, 20).map((p) => ({ field: 'id', message: `prediction "${p.phase}/${p.id}" matches no case of ${environment.manifest.name}` })),
      `${unknown.length} prediction(s) match no case (wrong environment or phase?):`
    )
  }
  const scoring = environment.manifest.scoring
  const scorers = await buildScorers(scoring, { root: environment.root })
  const now = new Date().toISOString()
  const records: CaseRecord[] = []
  for (const prediction of submission.predictions) {
    const item = byKey.get(`${prediction.phase}/${prediction.id}`) as EnvCase
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
  return { info, scores, records }
}
