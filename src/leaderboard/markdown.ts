/**
 * The leaderboard as markdown, for a README, a job summary or the data branch's
 * `leaderboard.md`. Pure: a board in, a string out.
 *
 * Environment and model names, keys, refs and URLs come from run files anyone with a model
 * endpoint can influence; every such cell goes through `escapeInline`, hashes and shas are
 * shown only when they look like hashes, and links only when they are http(s) URLs.
 */
import { markdownTable } from 'markdown-table'
import { escapeInline } from '../github/escape.js'
import { formatInterval, formatMetric, MISSING } from '../report/format.js'
import { rank, type RankedEnvironment, type RankedRow } from './board.js'
import type { Leaderboard, LeaderboardPolicy } from './schema.js'

/** Options of {@link leaderboardMarkdown}. */
export interface LeaderboardMarkdownOptions {
  /** Only this environment. Default: all. */
  env?: string
  /** The top heading; empty for none. Default `Leaderboard`. */
  title?: string
}

/** Marks a run on another environment hash than the environment's newest. */
export const HASH_CHANGED_MARK = '†'

const POLICY_TEXT: Record<LeaderboardPolicy, string> = { best: 'best run of each model', latest: 'latest run of each model' }

/** The whole board: a title, then one section per environment with its ranked table. */
export function leaderboardMarkdown(board: Leaderboard, options: LeaderboardMarkdownOptions = {}): string {
  const { title = 'Leaderboard' } = options
  const environments = rank(board, options.env === undefined ? {} : { env: options.env })
  const parts: string[] = []
  if (title) parts.push(`## ${escapeInline(title)}`)
  if (environments.length === 0) parts.push(options.env === undefined ? '_No runs on the leaderboard yet._' : `_No runs of ${escapeInline(options.env)} on the leaderboard._`)
  for (const env of environments) parts.push(environmentSection(env))
  return `${parts.join('\n\n')}\n`
}

/** One environment: its heading, what the table shows, the table, and the hash note if needed. */
export function environmentSection(env: RankedEnvironment): string {
  const models = `${env.rows.length} model${env.rows.length === 1 ? '' : 's'}`
  const lines = [
    `### ${escapeInline(env.name, { maxChars: 120 })}`,
    '',
    `Version ${escapeInline(env.version, { maxChars: 40 })} · hash ${hashText(env.hash)} · ${POLICY_TEXT[env.policy]} · ${models}`,
    '',
    leaderboardTable(env.rows)
  ]
  const changed = env.rows.filter((row) => row.entry.hashChanged)
  if (changed.length > 0) {
    lines.push('', `<sub>${HASH_CHANGED_MARK} Run on another environment hash than the newest (${hashText(env.hash)}): its data or scoring differed, so its numbers may not compare.</sub>`)
  }
  return lines.join('\n')
}

/** The ranked table of one environment. */
export function leaderboardTable(rows: readonly RankedRow[]): string {
  const header = ['#', 'Model', 'Score (95% CI)', 'Accuracy', 'Answer rate', 'Cost', 'Latency p50', 'Cases', 'Date', 'Commit']
  const body = rows.map((row) => {
    const e = row.entry
    return [
      String(row.rank),
      modelCell(row),
      scoreCell(e.score, e.scoreCiLow, e.scoreCiHigh),
      formatMetric(e.accuracy, 'fraction'),
      formatMetric(e.answerRate, 'fraction'),
      formatMetric(e.costUsd, 'usd'),
      formatMetric(e.latencyP50Ms, 'ms'),
      formatMetric(e.cases, 'count'),
      dateText(e.date),
      commitCell(e.commitSha, e.runUrl)
    ]
  })
  return markdownTable([header, ...body], { align: ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'] })
}

function modelCell(row: RankedRow): string {
  const { entry } = row
  const name = escapeInline(entry.modelName || row.modelKey, { maxChars: 100 })
  const key = entry.modelName && entry.modelName !== row.modelKey ? ` <sub>${escapeInline(row.modelKey, { maxChars: 100 })}</sub>` : ''
  return `${name}${key}${entry.hashChanged ? ` ${HASH_CHANGED_MARK}` : ''}`
}

/** `60.6% (57.1% to 64.0%)`; the interval is left out when the run did not report one. */
export function scoreCell(score: number | null, low: number | null, high: number | null): string {
  const value = formatMetric(score, 'fraction')
  if (score === null || low === null || high === null) return value
  return `${value} (${formatInterval({ low, high }, 'fraction')})`
}

/** `2025-03-01`: the UTC day of an ISO date; anything unparsable is escaped as given. */
export function dateText(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? escapeInline(iso, { maxChars: 40 }) : new Date(time).toISOString().slice(0, 10)
}

function commitCell(sha: string | undefined, url: string | undefined): string {
  const text = sha === undefined ? '' : /^[0-9a-f]{7,64}$/i.test(sha) ? `\`${sha.slice(0, 7)}\`` : escapeInline(sha, { maxChars: 12 })
  const link = url === undefined ? undefined : safeUrl(url)
  if (link === undefined) return text || MISSING
  return `[${text || 'run'}](${link})`
}

/** A short hash for prose: `9f2c4e7a1b3d` in a code span, or escaped text when it is not a hash. */
function hashText(hash: string): string {
  const short = hash.replace(/^sha256:/, '').slice(0, 12)
  return /^[0-9a-z]+$/i.test(short) ? `\`${short}\`` : escapeInline(short)
}

/**
 * `url` as a markdown link target when it is an http(s) URL, with the characters that could end
 * the target or the table cell percent-encoded; otherwise undefined (shown unlinked).
 */
export function safeUrl(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  return parsed.href.replace(/[()|<>\s\\[\]`*_~"']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}
