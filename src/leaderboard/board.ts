/**
 * The leaderboard's rules, as pure functions: a run in, a new board out; a board in, ranked rows
 * out. No I/O here: the CLI reads and writes the file, the data branch reads and writes commits.
 */
import { createHash } from 'node:crypto'
import type { RunInfo } from '../run/run-info.js'
import type { Scores } from '../scoring/metrics.js'
import type { EnvironmentBoard, Leaderboard, LeaderboardEntry, LeaderboardPolicy, ModelStanding } from './schema.js'

/** Default cap of each model's history list. */
export const DEFAULT_MAX_HISTORY = 50

/**
 * What the leaderboard needs of a run: run.json and scores.json. A `RunFolder` (from
 * `readRunFolder`) fits as is; `runId`/`runUrl` name the CI run that produced it, when known.
 */
export interface LeaderboardRun {
  info: RunInfo
  scores: Scores
  /** The CI run (e.g. GitHub Actions `GITHUB_RUN_ID`). Default: not recorded. */
  runId?: string
  /** A link to the CI run. Default: not recorded. */
  runUrl?: string
}

/** Options of {@link applyRun} and {@link addRun}. */
export interface AddRunOptions {
  /** How each model's shown run is chosen. Default: the board's `policy` (itself default `best`). */
  policy?: LeaderboardPolicy
  /** Entries kept in each model's history, newest first. Default 50; at least 1. */
  maxHistory?: number
}

/**
 * What `applyRun` did with the run:
 * - `added`: first run of this model on this environment;
 * - `replaced`: the run is now the model's shown run, in place of another;
 * - `kept`: recorded in the history, but another run stays shown (a better score under `best`,
 *   a newer run under `latest`);
 * - `duplicate`: this very run was already on the board; the board is unchanged.
 */
export type AddRunStatus = 'added' | 'replaced' | 'kept' | 'duplicate'

export interface AddRunResult {
  board: Leaderboard
  /** The run as recorded (its `hashChanged` as of the new board). */
  entry: LeaderboardEntry
  status: AddRunStatus
}

/** One ranked model of one environment. */
export interface RankedRow {
  /** 1-based; models with the same score share a rank (1, 1, 3). */
  rank: number
  modelKey: string
  entry: LeaderboardEntry
  /** Runs of this model in its history. */
  runs: number
}

/** One environment with its models ranked. */
export interface RankedEnvironment {
  name: string
  hash: string
  version: string
  date: string
  policy: LeaderboardPolicy
  rows: RankedRow[]
}

/** Options of {@link rank}. */
export interface RankOptions {
  /** Only this environment (by name). Default: all, by name. */
  env?: string
}

/**
 * Record `run` on `board` and return the new board (the input is not modified). The same as
 * `applyRun(board, run, {policy, ...options}).board`.
 */
export function addRun(board: Leaderboard, run: LeaderboardRun, policy: LeaderboardPolicy = board.policy, options: Omit<AddRunOptions, 'policy'> = {}): Leaderboard {
  return applyRun(board, run, { ...options, policy }).board
}

/**
 * Record `run` on `board`: its entry goes into the model's history (newest first, capped at
 * `maxHistory`), the environment's newest hash moves to the run's when the run is the newest,
 * and every model of the environment has its shown run chosen again from its shown run and
 * history, by `policy`:
 * - `best`: runs on the environment's newest hash first (a changed dataset or scorer makes old
 *   scores incomparable, and a best score on the old hash would otherwise hide every new run),
 *   then the highest score, then the newest;
 * - `latest`: the newest run (by its end time).
 * The shown run is kept even when it falls out of the history, so the best run never gets lost.
 * Adding a run already on the board (same `runId(info)`) changes nothing.
 */
export function applyRun(board: Leaderboard, run: LeaderboardRun, options: AddRunOptions = {}): AddRunResult {
  const policy = options.policy ?? board.policy
  const maxHistory = Math.max(1, Math.floor(options.maxHistory ?? DEFAULT_MAX_HISTORY))
  const entry = toEntry(run)
  const envName = run.info.environment.name
  // Own properties only: an environment called "constructor" must not find Object's.
  const previousEnv = own(board.environments, envName)
  const previousModel = previousEnv && own(previousEnv.models, entry.modelKey)

  const existing = previousModel && [previousModel.current, ...previousModel.history].find((e) => e.id === entry.id)
  if (existing) return { board, entry: existing, status: 'duplicate' }

  const newest = !previousEnv || compareDates(entry.date, previousEnv.date) >= 0
  const env: EnvironmentBoard = {
    hash: newest ? entry.envHash : previousEnv.hash,
    version: newest ? entry.envVersion : previousEnv.version,
    date: newest ? entry.date : previousEnv.date,
    models: previousEnv?.models ?? {}
  }
  const history = byDateDesc([entry, ...(previousModel?.history ?? [])]).slice(0, maxHistory)
  const models = new Map<string, ModelStanding>(Object.entries(env.models))
  models.set(entry.modelKey, { name: previousModel?.name ?? entry.modelName, current: previousModel?.current ?? entry, history })

  // Choose every model's shown run again: the newest hash may have moved, which changes `best`.
  for (const [key, model] of models) {
    // The new run competes even when it is too old to stay in the history.
    const pool = uniqueById([model.current, ...(key === entry.modelKey ? [entry] : []), ...model.history])
    const current = choose(pool, policy, env.hash)
    const flag = (e: LeaderboardEntry): LeaderboardEntry => ({ ...e, hashChanged: e.envHash !== env.hash })
    models.set(key, { name: model.history[0]?.modelName ?? model.name, current: flag(current), history: model.history.map(flag) })
  }
  const standing = models.get(entry.modelKey)!
  const status: AddRunStatus = standing.current.id !== entry.id ? 'kept' : previousModel ? 'replaced' : 'added'
  // Object.fromEntries defines own properties, so no name can reach a prototype.
  const environments = Object.fromEntries([...Object.entries(board.environments), [envName, { ...env, models: Object.fromEntries(models) }]])
  return {
    board: { ...board, policy, environments },
    entry: [standing.current, ...standing.history].find((e) => e.id === entry.id) ?? { ...entry, hashChanged: entry.envHash !== env.hash },
    status
  }
}

/**
 * A run's identity on the board: environment hash, model key, settings fingerprint and start
 * time, hashed. The same run folder always gives the same id; two runs never share one.
 */
export function runId(info: RunInfo): string {
  return createHash('sha256').update([info.environment.hash, info.model.key, info.fingerprint, info.startedAt].join('\0')).digest('hex').slice(0, 16)
}

/** The entry `run` becomes on the board (its `hashChanged` is set by `applyRun`). */
export function toEntry(run: LeaderboardRun): LeaderboardEntry {
  const { info, scores } = run
  const n = metric(scores, 'n')
  return {
    id: runId(info),
    modelKey: info.model.key,
    modelName: info.model.name,
    envHash: info.environment.hash,
    envVersion: info.environment.version,
    hashChanged: false,
    score: metric(scores, 'score'),
    scoreCiLow: metric(scores, 'score_ci_low'),
    scoreCiHigh: metric(scores, 'score_ci_high'),
    accuracy: metric(scores, 'accuracy'),
    answerRate: metric(scores, 'answer_rate'),
    costUsd: metric(scores, 'cost_usd'),
    latencyP50Ms: metric(scores, 'latency_p50_ms'),
    cases: n !== null && Number.isInteger(n) && n >= 0 ? n : info.cases,
    date: info.endedAt ?? info.startedAt,
    ...(info.git.sha ? { commitSha: info.git.sha } : {}),
    ...(info.git.ref ? { ref: info.git.ref } : {}),
    ...(run.runId ? { runId: run.runId } : {}),
    ...(run.runUrl ? { runUrl: run.runUrl } : {})
  }
}

/**
 * The board's environments with their models ranked: highest score first (a missing score
 * last), ties broken by the interval's lower bound, then the newer run, then the model key.
 */
export function rank(board: Leaderboard, options: RankOptions = {}): RankedEnvironment[] {
  const names = Object.keys(board.environments)
    .filter((name) => options.env === undefined || name === options.env)
    .sort()
  return names.map((name) => {
    const env = board.environments[name]!
    const sorted = Object.entries(env.models)
      .map(([modelKey, model]) => ({ modelKey, entry: model.current, runs: model.history.length }))
      .sort((a, b) => desc(a.entry.score, b.entry.score) || desc(a.entry.scoreCiLow, b.entry.scoreCiLow) || compareDates(b.entry.date, a.entry.date) || cmp(a.modelKey, b.modelKey))
    const rows: RankedRow[] = []
    sorted.forEach((row, i) => {
      const previous = rows[i - 1]
      const tied = previous !== undefined && previous.entry.score === row.entry.score
      rows.push({ ...row, rank: tied ? previous.rank : i + 1 })
    })
    return { name, hash: env.hash, version: env.version, date: env.date, policy: board.policy, rows }
  })
}

function choose(pool: readonly LeaderboardEntry[], policy: LeaderboardPolicy, newestHash: string): LeaderboardEntry {
  const [first, ...rest] = pool
  let chosen = first!
  for (const candidate of rest) if (preferred(candidate, chosen, policy, newestHash)) chosen = candidate
  return chosen
}

/** Whether `a` should be shown rather than `b`; on a full tie, `b` (the earlier in the pool) stays. */
function preferred(a: LeaderboardEntry, b: LeaderboardEntry, policy: LeaderboardPolicy, newestHash: string): boolean {
  if (policy === 'latest') return compareDates(a.date, b.date) > 0
  const onHash = Number(a.envHash === newestHash) - Number(b.envHash === newestHash)
  if (onHash !== 0) return onHash > 0
  const byScore = desc(a.score, b.score)
  if (byScore !== 0) return byScore < 0
  return compareDates(a.date, b.date) > 0
}

function uniqueById(entries: LeaderboardEntry[]): LeaderboardEntry[] {
  const byId = new Map<string, LeaderboardEntry>()
  for (const e of entries) if (!byId.has(e.id)) byId.set(e.id, e)
  return [...byId.values()]
}

function byDateDesc(entries: LeaderboardEntry[]): LeaderboardEntry[] {
  return [...entries].sort((a, b) => compareDates(b.date, a.date) || cmp(a.id, b.id))
}

/** Orders ISO dates by time; an unparsable date sorts before every valid one. */
function compareDates(a: string, b: string): number {
  const ta = Date.parse(a)
  const tb = Date.parse(b)
  if (Number.isNaN(ta) || Number.isNaN(tb)) return Number(!Number.isNaN(ta)) - Number(!Number.isNaN(tb)) || cmp(a, b)
  return ta - tb
}

/** Descending order of numbers with null last: negative when `a` comes first. */
function desc(a: number | null, b: number | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return b - a
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function metric(scores: Scores, key: string): number | null {
  const value = scores[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
