/**
 * Runs for the compare tests, built from case outcomes written as blocks: `{ n: 2, s: 'PF' }` is
 * two cases that pass in the first run and fail in the second. Scores come from the real
 * `aggregate()`, and `saveRun` writes a real run folder (run.json, scores.json, results.jsonl).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CompareInput } from '../../src/compare/types.js'
import type { CaseRecord, CaseStatus } from '../../src/run/record.js'
import type { RunInfo } from '../../src/run/run-info.js'
import { aggregate } from '../../src/scoring/aggregate.js'

export const HASH = 'sha256:3f2a9c1b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e'
export const OTHER_HASH = 'sha256:9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e'

export interface RunOptions {
  model?: string
  envName?: string
  version?: string
  hash?: string
  /** Tags of case i. Default: `even`/`odd`. */
  tags?: (i: number) => string[]
  /** Phase of case i. Default `test`. */
  phase?: (i: number) => string
  /** The model's response to case i; default names the model and its answer. */
  response?: (i: number, status: CaseStatus) => string | null
  /** Score of case i; default 1 for pass, 0 otherwise. */
  score?: (i: number, status: CaseStatus) => number
  /** Case id of case i. Default `q0001`, `q0002`, … */
  id?: (i: number) => string
}

export function runInfo(cases: number, options: RunOptions = {}): RunInfo {
  const model = options.model ?? 'model-a'
  return {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: '0.1.0' },
    environment: { name: options.envName ?? 'gsm8k', version: options.version ?? '1.0.0', hash: options.hash ?? HASH, source: { kind: 'local', ref: 'environments/gsm8k' } },
    model: { key: `${model}@t0`, name: model, baseUrl: 'http://10.0.0.7:8000/v1', api: 'chat' },
    settings: { phase: 'test', limit: null, concurrency: 4, timeoutMs: 60_000, maxRetries: 2, generation: {} },
    fingerprint: 'f'.repeat(64),
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:01:05.000Z',
    durationMs: 65_000,
    git: { sha: '0123456789abcdef0123456789abcdef01234567' },
    cases
  }
}

export const caseId = (i: number): string => `q${String(i + 1).padStart(4, '0')}`

export function caseRecords(statuses: readonly CaseStatus[], options: RunOptions = {}): CaseRecord[] {
  const model = options.model ?? 'model-a'
  return statuses.map((status, i) => {
    const answer = status === 'pass' ? String(i * 2) : String(i * 2 + 1)
    const response = options.response ? options.response(i, status) : status === 'error' ? null : `${model} says: Answer: ${answer}`
    const score = options.score ? options.score(i, status) : status === 'pass' ? 1 : 0
    return {
      id: options.id ? options.id(i) : caseId(i),
      phase: options.phase ? options.phase(i) : 'test',
      index: i,
      tags: options.tags ? options.tags(i) : [i % 2 === 0 ? 'even' : 'odd'],
      input: `What is ${i} + ${i}?`,
      target: String(i * 2),
      metadata: {},
      messages: [{ role: 'user', content: `What is ${i} + ${i}?` }],
      response,
      extracted: status === 'error' ? null : answer,
      scores: { answer: { value: score, passed: status === 'pass', extracted: answer, reason: status === 'pass' ? 'matched' : `expected ${i * 2}` } },
      score,
      status,
      error: status === 'error' ? { type: 'TimeoutError', message: 'timed out after 60s' } : null,
      attempts: 1,
      latencyMs: 300 + i,
      usage: { promptTokens: 20, completionTokens: 8 },
      costUsd: 0.0001,
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: '2025-01-01T00:00:00.300Z'
    }
  })
}

/** A run of `statuses`, with scores.json computed by aggregate(). */
export function makeRun(statuses: readonly CaseStatus[], options: RunOptions = {}): CompareInput {
  const records = caseRecords(statuses, options)
  return { info: runInfo(records.length, options), scores: aggregate(records, { durationMs: 65_000 }), records }
}

/** `n` cases whose outcome in run k is letter k of `s`: P pass, F fail, E error. */
export interface Block {
  n: number
  s: string
}

const STATUS: Record<string, CaseStatus> = { P: 'pass', F: 'fail', E: 'error' }

/** The statuses of every run described by `blocks`, one array per run. */
export function statusesFromBlocks(blocks: readonly Block[]): CaseStatus[][] {
  const runs = blocks[0]?.s.length ?? 0
  return Array.from({ length: runs }, (_, k) => blocks.flatMap((block) => Array.from({ length: block.n }, () => STATUS[block.s[k]!]!)))
}

/** Runs described by `blocks`, the k-th with `options[k]` (model names default to model-a, model-b, …). */
export function runsFromBlocks(blocks: readonly Block[], options: readonly RunOptions[] = []): CompareInput[] {
  return statusesFromBlocks(blocks).map((statuses, k) => makeRun(statuses, { model: `model-${String.fromCharCode(97 + k)}`, ...options[k] }))
}

/** Writes the three files compare reads into a new folder (or `dir`) and returns its path. */
export async function saveRun(run: CompareInput, dir?: string): Promise<string> {
  const out = dir ?? (await mkdtemp(join(tmpdir(), 'benchgen-compare-run-')))
  await mkdir(out, { recursive: true })
  await writeFile(join(out, 'run.json'), `${JSON.stringify(run.info, null, 2)}\n`)
  await writeFile(join(out, 'scores.json'), `${JSON.stringify(run.scores, null, 2)}\n`)
  await writeFile(join(out, 'results.jsonl'), run.records.map((r) => `${JSON.stringify(r)}\n`).join(''))
  return out
}

/**
 * Two runs of 100 cases: A passes 52, B passes 62; 2 regressed (b), 12 fixed (c), so the exact
 * McNemar p is 2·(1 + 14 + 91)/2¹⁴ = 0.012939453125.
 */
export const TWO_RUNS: readonly Block[] = [
  { n: 2, s: 'PF' },
  { n: 12, s: 'FP' },
  { n: 50, s: 'PP' },
  { n: 36, s: 'FF' }
]

/**
 * Three runs of 100 cases. A vs B: b = 2, c = 12 (p = 0.012939453125); A vs C: b = 0, c = 8
 * (p = 2/2⁸ = 0.0078125); B vs C: b = 4, c = 2 (p = 2·22/2⁶ = 0.6875). Scores A 52%, B 62%, C 60%.
 */
export const THREE_RUNS: readonly Block[] = [
  { n: 2, s: 'PFP' },
  { n: 8, s: 'FPP' },
  { n: 4, s: 'FPF' },
  { n: 50, s: 'PPP' },
  { n: 36, s: 'FFF' }
]
