/**
 * What the leaderboard page embeds: each environment's ranked rows with raw numbers (for
 * sorting) and the same numbers formatted by `format.ts` (for showing), so the page spells them
 * exactly like the markdown. Pure; the page's script (`script.ts`) is the only reader.
 */
import { formatInterval, formatMetric } from '../../report/format.js'
import { rank } from '../board.js'
import { safeUrl } from '../markdown.js'
import type { Leaderboard, LeaderboardPolicy } from '../schema.js'

export interface PageRow {
  rank: number
  modelKey: string
  modelName: string
  /** The run was made on another environment hash than the newest. */
  hashChanged: boolean
  envHash: string
  score: number | null
  scoreText: string
  /** `57.1% to 64.0%`, or null without an interval. */
  ciText: string | null
  accuracy: number | null
  accuracyText: string
  answerRate: number | null
  answerRateText: string
  costUsd: number | null
  costText: string
  latencyP50Ms: number | null
  latencyText: string
  cases: number
  casesText: string
  /** ISO date, sortable as text. */
  date: string
  dateText: string
  commitSha: string | null
  ref: string | null
  /** An http(s) link to the CI run, else null. */
  runUrl: string | null
}

export interface PageEnvironment {
  name: string
  version: string
  hash: string
  policy: LeaderboardPolicy
  rows: PageRow[]
}

export interface PagePayload {
  version: 1
  title: string
  environments: PageEnvironment[]
}

/** Options of {@link buildLeaderboardPayload}. */
export interface PayloadOptions {
  /** Only this environment. Default: all. */
  env?: string
  /** The page's heading. Default `Leaderboard`. */
  title?: string
}

export function buildLeaderboardPayload(board: Leaderboard, options: PayloadOptions = {}): PagePayload {
  const environments = rank(board, options.env === undefined ? {} : { env: options.env }).map((env) => ({
    name: env.name,
    version: env.version,
    hash: env.hash,
    policy: env.policy,
    rows: env.rows.map(({ rank: position, modelKey, entry: e }): PageRow => ({
      rank: position,
      modelKey,
      modelName: e.modelName || modelKey,
      hashChanged: e.hashChanged,
      envHash: e.envHash,
      score: e.score,
      scoreText: formatMetric(e.score, 'fraction'),
      ciText: e.scoreCiLow === null || e.scoreCiHigh === null ? null : formatInterval({ low: e.scoreCiLow, high: e.scoreCiHigh }, 'fraction'),
      accuracy: e.accuracy,
      accuracyText: formatMetric(e.accuracy, 'fraction'),
      answerRate: e.answerRate,
      answerRateText: formatMetric(e.answerRate, 'fraction'),
      costUsd: e.costUsd,
      costText: formatMetric(e.costUsd, 'usd'),
      latencyP50Ms: e.latencyP50Ms,
      latencyText: formatMetric(e.latencyP50Ms, 'ms'),
      cases: e.cases,
      casesText: formatMetric(e.cases, 'count'),
      date: isoOrEmpty(e.date),
      // Shown with textContent, so an unparsable date is shown as written (no escaping needed).
      dateText: isoOrEmpty(e.date).slice(0, 10) || e.date,
      commitSha: e.commitSha ?? null,
      ref: e.ref ?? null,
      runUrl: e.runUrl === undefined ? null : (safeUrl(e.runUrl) ?? null)
    }))
  }))
  return { version: 1, title: options.title ?? 'Leaderboard', environments }
}

/** A date normalised to ISO 8601 UTC (sortable as text), or '' when it does not parse. */
function isoOrEmpty(date: string): string {
  const time = Date.parse(date)
  return Number.isNaN(time) ? '' : new Date(time).toISOString()
}
