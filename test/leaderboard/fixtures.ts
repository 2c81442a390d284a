/** Typed, explicit runs for the leaderboard tests. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LeaderboardRun } from '../../src/leaderboard/board.js'
import type { RunInfo } from '../../src/run/run-info.js'
import type { Scores } from '../../src/scoring/metrics.js'

export const HASH_A = 'sha256:aaaaaaaaaaaa0000000000000000000000000000000000000000000000000000'
export const HASH_B = 'sha256:bbbbbbbbbbbb0000000000000000000000000000000000000000000000000000'

export interface RunSpec {
  env?: string
  hash?: string
  version?: string
  model?: string
  modelName?: string
  /** Day of March 2025 the run ended (1–31), or an ISO date. */
  day?: number | string
  score?: number | null
  accuracy?: number
  cost?: number
  latency?: number
  n?: number
  sha?: string
  runId?: string
  runUrl?: string
}

function isoDay(day: number | string): string {
  return typeof day === 'string' ? day : `2025-03-${String(day).padStart(2, '0')}T12:00:00.000Z`
}

export function runInfo(spec: RunSpec = {}): RunInfo {
  const ended = isoDay(spec.day ?? 1)
  return {
    schemaVersion: 1,
    tool: { name: 'benchgen-eval', version: '0.1.0' },
    environment: { name: spec.env ?? 'gsm8k', version: spec.version ?? '1.0.0', hash: spec.hash ?? HASH_A, source: { kind: 'local', ref: 'environments/gsm8k' } },
    model: { key: spec.model ?? 'model-a', name: spec.modelName ?? spec.model ?? 'model-a', baseUrl: 'http://localhost:8000/v1', api: 'chat' },
    settings: { phase: 'test', limit: null, concurrency: 4, timeoutMs: 60_000, maxRetries: 2, generation: {} },
    fingerprint: 'f'.repeat(64),
    startedAt: new Date(Date.parse(ended) - 60_000).toISOString(),
    endedAt: ended,
    durationMs: 60_000,
    git: { sha: spec.sha ?? '0123456789abcdef0123456789abcdef01234567', ref: 'refs/heads/main' },
    cases: spec.n ?? 200
  }
}

export function runScores(spec: RunSpec = {}): Scores {
  const score = spec.score === undefined ? 0.6 : spec.score
  const scores: Scores = {
    n: spec.n ?? 200,
    accuracy: spec.accuracy ?? score ?? 0,
    answer_rate: 0.95,
    cost_usd: spec.cost ?? 0.0123,
    latency_p50_ms: spec.latency ?? 420,
    latency_p95_ms: 900
  }
  if (score !== null) Object.assign(scores, { score, score_ci_low: Math.max(0, score - 0.05), score_ci_high: Math.min(1, score + 0.05) })
  return scores
}

export function makeRun(spec: RunSpec = {}): LeaderboardRun {
  return { info: runInfo(spec), scores: runScores(spec), ...(spec.runId ? { runId: spec.runId } : {}), ...(spec.runUrl ? { runUrl: spec.runUrl } : {}) }
}

/** A run folder on disk as `readRunFolder` reads it (no cases: the leaderboard does not need them). */
export async function writeRunDir(spec: RunSpec = {}, parent?: string): Promise<string> {
  const dir = parent ? join(parent, `${spec.env ?? 'gsm8k'}-${spec.model ?? 'model-a'}-${spec.day ?? 1}`) : await mkdtemp(join(tmpdir(), 'benchgen-lb-run-'))
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(runInfo(spec), null, 2)}\n`)
  await writeFile(join(dir, 'scores.json'), `${JSON.stringify(runScores(spec), null, 2)}\n`)
  await writeFile(join(dir, 'results.jsonl'), '')
  return dir
}
