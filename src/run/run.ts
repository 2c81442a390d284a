/**
 * The run loop: evaluate the cases of one phase with bounded concurrency, append each record to
 * results.jsonl as it completes, resume from a previous attempt with the same fingerprint, then
 * aggregate and write the run folder. It knows nothing of the CLI or of GitHub.
 */
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Environment, EnvCase } from '../environment/types.js'
import { createTemplateEngine } from '../harness/template.js'
import type { GenerationParams, ModelClient } from '../model/types.js'
import { aggregate } from '../scoring/aggregate.js'
import { buildScorers } from '../scoring/registry.js'
import type { Scores } from '../scoring/metrics.js'
import { BenchgenError, ValidationError } from '../errors.js'
import { TOOL_VERSION } from '../version.js'
import { evaluateCase } from './evaluate-case.js'
import type { CaseContext } from './evaluate-case.js'
import { runFingerprint } from './fingerprint.js'
import { createProgress } from './progress.js'
import type { ProgressOptions } from './progress.js'
import type { CaseRecord } from './record.js'
import { openResultsWriter, readResults } from './results-file.js'
import { RunInfo } from './run-info.js'
import { writeJsonAtomic } from './json-file.js'
import { writeRunFolder } from './run-folder.js'
import { lockRunFolder } from './lock.js'

export interface ModelInfo {
  /** Stable key of the model configuration (no secrets). */
  key: string
  name: string
  baseUrl: string
  api: 'chat' | 'completions'
  pricing?: { inputPerMTok: number; outputPerMTok: number }
  /** Extra request fields (sampling knobs a server supports); they change answers, so they are part of the fingerprint. */
  extraBody?: Record<string, unknown>
}

export interface RunOptions {
  environment: Environment
  /** Phase to run; default the environment's default phase. */
  phase?: string
  /** Run only the first N cases of the phase. */
  limit?: number
  outDir: string
  client: ModelClient
  model: ModelInfo
  /** Requests in flight at once; default 8. */
  concurrency?: number
  /** Per-attempt timeout; default 60 s. */
  timeoutMs?: number
  /** Retries after the first attempt; default 4. */
  maxRetries?: number
  /** Overrides of the environment's generation settings. */
  generation?: GenerationParams
  /** Discard a previous run in outDir instead of resuming it. */
  fresh?: boolean
  progress?: Omit<ProgressOptions, 'total' | 'done'>
  signal?: AbortSignal
  git?: { sha?: string; ref?: string }
  /** Writes informational lines (resume notices); default nothing. */
  log?: (message: string) => void
  /** Injected for tests: delays between retries, and their jitter. */
  sleep?: CaseContext['sleep']
  random?: CaseContext['random']
  /** fsync results.jsonl every this many records; default 50. */
  checkpointEvery?: number
}

export interface RunOutcome {
  outDir: string
  info: RunInfo
  scores: Scores
  records: CaseRecord[]
  /** Cases taken from a previous attempt instead of being run again. */
  resumed: number
  /** True when the signal stopped the run before every case finished. */
  interrupted: boolean
}

export class RunConflictError extends BenchgenError {
  override name = 'RunConflictError'
  override readonly exitCode = 2
}

/** The cases a run covers: one phase, optionally its first `limit` cases. */
export function selectCases(environment: Environment, phase: string, limit?: number): EnvCase[] {
  const cases = environment.phases[phase]
  if (!cases) {
    throw new ValidationError([{ field: 'phase', message: `"${phase}" does not exist in ${environment.manifest.name}`, hint: `available: ${Object.keys(environment.phases).join(', ')}` }])
  }
  if (cases.length === 0) throw new ValidationError([{ field: 'phase', message: `"${phase}" of ${environment.manifest.name} has no cases`, hint: 'check its data file' }])
  return limit === undefined ? cases : cases.slice(0, limit)
}

export async function runEvaluation(options: RunOptions): Promise<RunOutcome> {
  const { environment, outDir, model } = options
  const phase = options.phase ?? environment.defaultPhase
  const cases = selectCases(environment, phase, options.limit)
  const concurrency = Math.max(1, options.concurrency ?? 8)
  const timeoutMs = options.timeoutMs ?? 60_000
  const maxRetries = options.maxRetries ?? 4
  const generation: GenerationParams = { ...environment.manifest.harness.generation, ...definedOnly(options.generation ?? {}) }
  const fingerprint = runFingerprint({ environmentHash: environment.hash, modelKey: model.key, modelName: model.name, phase, generation: { ...generation, api: environment.manifest.harness.api, extraBody: model.extraBody } })

  await mkdir(outDir, { recursive: true })
  const unlock = await lockRunFolder(outDir)
  try {
    return await runLocked(options, { phase, cases, concurrency, timeoutMs, maxRetries, generation, fingerprint })
  } finally {
    await unlock()
  }
}

interface Resolved {
  phase: string
  cases: EnvCase[]
  concurrency: number
  timeoutMs: number
  maxRetries: number
  generation: GenerationParams
  fingerprint: string
}

async function runLocked(options: RunOptions, resolved: Resolved): Promise<RunOutcome> {
  const { environment, outDir, client, model } = options
  const { phase, cases, concurrency, timeoutMs, maxRetries, generation, fingerprint } = resolved
  const resultsPath = join(outDir, 'results.jsonl')
  const infoPath = join(outDir, 'run.json')
  if (options.fresh) await rm(resultsPath, { force: true })
  const previous = options.fresh ? null : await readPreviousInfo(infoPath)
  const prior = await readResults(resultsPath)
  if (prior.records.length > 0 && previous?.fingerprint !== fingerprint) {
    throw new RunConflictError(
      `${outDir} holds results of a different run (environment hash, model, phase or generation settings differ). ` +
        'Use another --out folder, or pass --fresh to discard them.'
    )
  }

  // Keep only records of cases still in scope, once each: a resume never counts a case twice.
  const wanted = new Set(cases.map((item) => item.id))
  const done = new Map<string, CaseRecord>()
  for (const record of prior.records) {
    if (record.phase === phase && wanted.has(record.id)) done.set(record.id, record)
  }
  const answered = [...done.values()].filter((record) => record.status !== 'error').length
  if (done.size > 0) options.log?.(`Resuming: ${answered} of ${cases.length} cases already done in ${outDir}${done.size > answered ? `; retrying ${done.size - answered} that ended in an error` : ''}`)
  if (prior.tornLines > 0) options.log?.(`Dropped ${prior.tornLines} incomplete line from an interrupted write`)

  const startedAt = previous?.fingerprint === fingerprint ? previous.startedAt : new Date().toISOString()
  const priorDurationMs = previous?.fingerprint === fingerprint ? (previous.durationMs ?? 0) : 0
  const sessionStart = Date.now()
  const info = (endedAt: string | null): RunInfo => ({
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: TOOL_VERSION },
    environment: { name: environment.manifest.name, version: environment.manifest.version, hash: environment.hash, source: environment.source },
    model: { key: model.key, name: model.name, baseUrl: model.baseUrl, api: model.api, ...(model.extraBody ? { extraBody: model.extraBody } : {}) },
    settings: { phase, limit: options.limit ?? null, concurrency, timeoutMs, maxRetries, generation: { ...generation } },
    fingerprint,
    startedAt,
    endedAt,
    durationMs: priorDurationMs + (Date.now() - sessionStart),
    git: options.git ?? {},
    cases: cases.length
  })
  await writeJsonAtomic(infoPath, info(null))

  const scorers = await buildScorers(environment.manifest.scoring, { root: environment.root })
  const context: CaseContext = {
    harness: environment.manifest.harness,
    scoring: environment.manifest.scoring,
    scorers,
    engine: createTemplateEngine(),
    fewshotPool: environment.fewshotPool ?? [],
    generation,
    client,
    retry: { maxRetries, timeoutMs },
    ...(model.pricing ? { pricing: model.pricing } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {})
  }

  // Cases that ended in an error are asked again: an error is the endpoint's failure, not an answer.
  const todo = cases.filter((item) => done.get(item.id)?.status !== 'pass' && done.get(item.id)?.status !== 'fail')
  const writer = await openResultsWriter(resultsPath, prior.validBytes)
  const progress = createProgress({ ...options.progress, total: cases.length, done: done.size })
  const checkpointEvery = options.checkpointEvery ?? 50
  let completed = 0
  let checkpointing = false
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < todo.length && !options.signal?.aborted) {
      const item = todo[next++] as EnvCase
      let record: CaseRecord
      try {
        record = await evaluateCase(item, context)
      } catch (error) {
        // Only an abort escapes evaluateCase; the case stays undone for the next resume.
        if (options.signal?.aborted) return
        throw error
      }
      done.set(item.id, record)
      await writer.append(record)
      progress.tick(record.status)
      if (++completed % checkpointEvery === 0 && !checkpointing) {
        // One checkpoint at a time: with fast answers several workers reach one together.
        checkpointing = true
        try {
          await writer.checkpoint()
          await writeJsonAtomic(infoPath, info(null))
        } finally {
          checkpointing = false
        }
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(todo.length, 1)) }, worker))
  } finally {
    progress.stop()
    await writer.close()
  }

  const interrupted = done.size < cases.length
  const records = cases.flatMap((item) => done.get(item.id) ?? [])
  const finalInfo = info(interrupted ? null : new Date().toISOString())
  const scores = aggregate(records, { durationMs: finalInfo.durationMs ?? 0 })
  await writeRunFolder({ outDir, info: finalInfo, scores, records, environment })
  return { outDir, info: finalInfo, scores, records, resumed: cases.length - todo.length, interrupted }
}

async function readPreviousInfo(path: string): Promise<RunInfo | null> {
  try {
    return RunInfo.parse(JSON.parse(await readFile(path, 'utf8')))
  } catch {
    return null
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
