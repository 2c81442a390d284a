/**
 * Markdown for people: PR comments, job summaries, `benchgen compare` output. Pure functions
 * that return a string; the caller writes or posts it once.
 *
 * Everything that did not come from our own code (case ids, phase and tag names, environment
 * and model names, model output, dataset text, error messages) goes through `escapeInline` or
 * `fenceUntrusted`, so a model cannot mention users, inject HTML or links, or break the layout.
 */
import { markdownTable } from 'markdown-table'
import { groupDeltas } from '../diff/groups.js'
import { metricDeltas } from '../diff/metric-deltas.js'
import type { Direction, Flip, GroupDelta, MetricDelta, RunDiff, Verdict } from '../diff/types.js'
import { escapeInline, fenceUntrusted } from '../github/escape.js'
import type { CaseRecord } from '../run/record.js'
import type { RunInfo } from '../run/run-info.js'
import type { Scores } from '../scoring/metrics.js'
import { formatDelta, formatInterval, formatMetric, formatPValue } from './format.js'

/** Options of {@link scoresTable}. */
export interface ScoresTableOptions {
  /** When given, the table gets Baseline and Change columns. */
  baseline?: Scores
}

/** Options of {@link diffMarkdown}. */
export interface DiffMarkdownOptions {
  /** Regressed cases shown inline, worst first. Default 10. */
  maxCases?: number
  /**
   * Hard cap on the output's length; GitHub rejects comments over 65,536 characters and the
   * caller adds a marker and a header. Cases are dropped first, then the text is cut with a
   * note. Default 60,000.
   */
  maxChars?: number
  /** Rows of the per-tag table, worst change first. Default 20. */
  maxGroups?: number
}

const STATUS: Record<Verdict, string> = {
  pass: 'PASS',
  regressed: 'REGRESSED',
  error: 'ERROR',
  'no-baseline': 'NO BASELINE'
}

const MARK: Record<Direction, string> = { improved: ' ▲', regressed: ' ▼', unchanged: '', unknown: '' }
const LEGEND = '<sub>▲ better, ▼ worse than the baseline (for latency, tokens and cost, lower is better).</sub>'

/** Per-field caps for one case, so ten cases stay well inside a comment. */
const CASE_LIMITS = { input: 1500, expected: 500, got: 2000, reason: 300, id: 120 }

/**
 * The headline metrics of `scores` as a table. The score (and accuracy) value carries its 95%
 * interval; with a `baseline` there are Baseline and Change columns, the change marked ▲ when it
 * is an improvement and ▼ when it is a regression (lower is better for latency and cost).
 */
export function scoresTable(scores: Scores, options: ScoresTableOptions = {}): string {
  return metricsTable(metricDeltas(options.baseline ?? null, scores), options.baseline !== undefined)
}

/**
 * A run without a baseline: title, headline table, per-phase and per-tag tables when there is
 * more than one, and what ran.
 */
export function runMarkdown(info: RunInfo, scores: Scores): string {
  const run = { info, scores, records: [] }
  const parts = [title(info), scoresTable(scores)]
  const phases = groupDeltas('phase', null, run)
  const tags = groupDeltas('tag', null, run)
  if (phases.length > 1) parts.push(groupSection('phase', phases, false, Infinity))
  if (tags.length > 1) parts.push(groupSection('tag', tags, false, 20))
  parts.push(runLine(info, 'Run'))
  return parts.join('\n\n') + '\n'
}

/**
 * The comparison of a head run with its baseline, for a PR comment or a job summary: a status
 * word and the reasons, the metrics table with changes, paired statistics, per-phase and per-tag
 * tables when there is more than one, the worst regressed cases each in a collapsed `<details>`
 * with input, expected and got, and how many cases were fixed. Never longer than `maxChars`.
 */
export function diffMarkdown(diff: RunDiff, options: DiffMarkdownOptions = {}): string {
  const { maxCases = 10, maxChars = 60_000, maxGroups = 20 } = options
  const withBaseline = diff.base !== null
  const top = [title(diff.head), statusLine(diff), diff.reasons.map((r) => `- ${escapeInline(r, { maxChars: 500 })}`).join('\n')]
  top.push(metricsTable(diff.metrics, withBaseline))
  if (withBaseline) top.push(pairedLine(diff))
  if (diff.phases.length > 1) top.push(groupSection('phase', diff.phases, withBaseline, Infinity))
  if (diff.tags.length > 1) top.push(groupSection('tag', diff.tags, withBaseline, maxGroups))

  const tail = [fixedLine(diff), withBaseline && diff.base ? runLine(diff.base, 'Baseline') : '', runLine(diff.head, 'Head'), LEGEND]
    .filter((part) => part !== '')
    .join('\n\n')

  const head = top.join('\n\n')
  const body = fitCases(head, diff.regressed.slice(0, Math.max(0, maxCases)), diff.regressed.length, tail, maxChars)
  return clip(body, maxChars)
}

/**
 * One flipped case as a collapsed `<details>`: the summary names the case and its change, the
 * body shows input, expected, got and the scorers' reasons. Exported for other reporters.
 */
export function caseDetails(flip: Flip): string {
  const { base, head } = flip
  return caseBlock({
    name: `${escapeInline(head.phase, { maxChars: 60 })}/${escapeInline(head.id, { maxChars: CASE_LIMITS.id })}`,
    change: `${base.status} → ${head.status}, score ${formatMetric(base.score, 'fraction', { digits: 0 })} → ${formatMetric(head.score, 'fraction', { digits: 0 })}`,
    input: head.input,
    target: head.target,
    answers: [{ heading: 'Got', record: head, reasons: true }]
  })
}

/** One answer in a {@link caseBlock}. */
export interface CaseAnswer {
  /** The bold line above the answer, as markdown: untrusted parts must be escaped already. */
  heading: string
  /** The record whose response (or error) and extracted answer are shown, escaped and cut here. */
  record: CaseRecord
  /** Also list the scorers' reasons under the answer. Default false. */
  reasons?: boolean
}

/** What {@link caseBlock} shows. */
export interface CaseBlockParts {
  /** The case's name in the summary, as markdown: untrusted parts must be escaped already. */
  name: string
  /** How the case changed, after the name in the summary; our own words and numbers. */
  change: string
  /** The case's input; fenced and cut here. */
  input: string
  /** The expected answer, or the accepted answers; fenced and cut here. */
  target: CaseRecord['target']
  /** The answers shown after input and expected, in order. */
  answers: readonly CaseAnswer[]
  /** Characters of each answer shown before it is cut. Default 2,000. */
  maxAnswerChars?: number
}

/**
 * A case as a collapsed `<details>`: the summary (`name: change`), then input, expected and each
 * answer with its extracted answer. The one place that fences and caps case text, for this
 * module's PR comment and `benchgen compare`'s markdown.
 */
export function caseBlock(parts: CaseBlockParts): string {
  const { target, maxAnswerChars = CASE_LIMITS.got } = parts
  const lines = [
    '<details>',
    `<summary>${parts.name}: ${parts.change}</summary>`,
    '',
    '**Input**',
    '',
    fenceUntrusted(parts.input, { maxChars: CASE_LIMITS.input }),
    '',
    Array.isArray(target) && target.length > 1 ? '**Expected** (any of)' : '**Expected**',
    '',
    fenceUntrusted(targetText(target), { maxChars: CASE_LIMITS.expected })
  ]
  for (const { heading, record, reasons = false } of parts.answers) {
    lines.push('', `**${heading}**`, '', fenceUntrusted(gotText(record), { maxChars: maxAnswerChars }))
    if (record.extracted !== null) lines.push('', `Extracted answer: ${escapeInline(record.extracted, { maxChars: 200 })}`)
    const why = reasons ? scorerReasons(record) : ''
    if (why) lines.push('', why)
  }
  // A blank line before </details> ends the markdown block so the tag is read as HTML.
  lines.push('', '</details>')
  return lines.join('\n')
}

function title(info: RunInfo): string {
  return `### BenchGen Eval: ${environmentName(info)} on ${modelName(info)}`
}

/**
 * `qwen2.5 (127.0.0.1:8000)`: the model and the server it was asked on. Not the model key,
 * whose `name@host` would need neutralising as a mention and reads badly in a terminal.
 */
function modelName(info: RunInfo): string {
  let host = ''
  try {
    host = info.model.baseUrl ? new URL(info.model.baseUrl).host : ''
  } catch {
    // A base URL that does not parse is left out rather than shown raw.
  }
  return `${escapeInline(info.model.name, { maxChars: 100 })}${host ? ` (${escapeInline(host, { maxChars: 80 })})` : ''}`
}

/** `gsm8k 1.0.0`; not `name@version`, whose `@` would need neutralising as a mention. */
function environmentName(info: RunInfo): string {
  return `${escapeInline(info.environment.name, { maxChars: 80 })} ${escapeInline(info.environment.version, { maxChars: 40 })}`
}

function statusLine(diff: RunDiff): string {
  const status = `**Status: ${STATUS[diff.verdict]}**`
  if (!diff.acknowledged) return status
  return `${status} (${STATUS[diff.acknowledged.previousVerdict].toLowerCase()}, acknowledged with ${escapeInline(diff.acknowledged.label, { maxChars: 100 })})`
}

function metricsTable(rows: readonly MetricDelta[], withBaseline: boolean): string {
  if (rows.length === 0) return '_No metrics reported._'
  const header = withBaseline ? ['Metric', 'Baseline', 'Head', 'Change'] : ['Metric', 'Value']
  const body = rows.map((row) => {
    const head = withInterval(row.head, row.headInterval, row)
    if (!withBaseline) return [row.label, head]
    return [row.label, withInterval(row.base, row.baseInterval, row), head, `${formatDelta(row.delta, row.kind)}${MARK[row.direction]}`]
  })
  return markdownTable([header, ...body], { align: ['l', 'r', 'r', 'r'], alignDelimiters: false })
}

function withInterval(value: number | null, interval: { low: number; high: number } | null, row: MetricDelta): string {
  const text = formatMetric(value, row.kind)
  return value !== null && interval ? `${text} (${formatInterval(interval, row.kind, { level: 0.95 })})` : text
}

function pairedLine(diff: RunDiff): string {
  const parts = [
    `Paired cases: ${diff.paired.toLocaleString('en-US')}`,
    `regressed ${diff.regressed.length}`,
    `fixed ${diff.fixed.length}`,
    `McNemar ${formatPValue(diff.pValue)}`
  ]
  if (diff.pairedDelta) {
    const { mean, low, high, level } = diff.pairedDelta
    parts.push(`mean change per case ${formatDelta(mean, 'fraction')} (${formatInterval({ low, high }, 'fraction', { delta: true, level })})`)
  }
  const { onlyInBase, onlyInHead } = diff.unpaired
  if (onlyInBase > 0) parts.push(`only in baseline ${onlyInBase}`)
  if (onlyInHead > 0) parts.push(`only in head ${onlyInHead}`)
  return parts.join(' · ')
}

function groupSection(kind: 'phase' | 'tag', groups: readonly GroupDelta[], withBaseline: boolean, maxRows: number): string {
  // With a baseline the worst changes matter most; without one, keep names in order.
  const ordered = withBaseline ? [...groups].sort(worstFirst) : groups
  const shown = ordered.slice(0, maxRows)
  const name = kind === 'phase' ? 'Phase' : 'Tag'
  const header = withBaseline ? [name, 'Baseline', 'Head', 'Change', 'Cases'] : [name, 'Score', 'Cases']
  const rows = shown.map((g) => {
    const label = escapeInline(g.name, { maxChars: 80 })
    const head = formatMetric(g.head, 'fraction')
    const n = formatMetric(g.headN, 'count')
    if (!withBaseline) return [label, head, n]
    return [label, formatMetric(g.base, 'fraction'), head, `${formatDelta(g.delta, 'fraction')}${MARK[g.direction]}`, n]
  })
  const table = markdownTable([header, ...rows], { align: ['l', 'r', 'r', 'r', 'r'], alignDelimiters: false })
  const more = groups.length - shown.length
  const note = more > 0 ? `\n\n_${more} more ${kind}s not shown._` : ''
  return `#### By ${kind}\n\n${table}${note}`
}

function worstFirst(a: GroupDelta, b: GroupDelta): number {
  if (a.delta === null || b.delta === null) return a.delta === null ? (b.delta === null ? a.name.localeCompare(b.name) : 1) : -1
  return a.delta - b.delta || a.name.localeCompare(b.name)
}

function fixedLine(diff: RunDiff): string {
  if (diff.base === null) return ''
  const n = diff.fixed.length
  return n === 0 ? 'No case was fixed.' : `${n} case${n === 1 ? ' was' : 's were'} fixed (fail or error → pass).`
}

function runLine(info: RunInfo, label: string): string {
  const parts = [
    environmentName(info),
    `hash ${escapeInline(info.environment.hash.replace(/^sha256:/, '').slice(0, 12))}`,
    `model ${escapeInline(info.model.name, { maxChars: 80 })}`,
    `${info.cases.toLocaleString('en-US')} cases`
  ]
  if (info.git.sha) parts.push(`commit ${escapeInline(info.git.sha.slice(0, 12))}`)
  if (info.durationMs !== null) parts.push(`took ${formatMetric(info.durationMs / 1000, 'seconds')}`)
  return `<sub>${label}: ${parts.join(' · ')}</sub>`
}

/**
 * Add as many case blocks as fit under `maxChars` together with everything else, and say how
 * many regressed cases are not shown. Blocks are rendered one at a time and only until the budget
 * is spent, so `maxCases: 5000` costs no more than the few cases that fit.
 */
function fitCases(head: string, flips: readonly Flip[], totalRegressed: number, tail: string, maxChars: number): string {
  if (totalRegressed === 0) return `${head}\n\n${tail}\n`
  const heading = '#### Regressed cases (worst first)'
  const note = (shown: number): string =>
    shown === totalRegressed ? '' : `_${(totalRegressed - shown).toLocaleString('en-US')} more regressed cases not shown._`
  const sep = '\n\n'
  // Length of head + heading + blocks + note + tail, each joined by a blank line, plus the final newline.
  const total = (blocksLength: number, shown: number): number => {
    const n = note(shown)
    return head.length + sep.length + heading.length + blocksLength + (n ? sep.length + n.length : 0) + sep.length + tail.length + 1
  }
  const shown: string[] = []
  let blocksLength = 0
  for (const flip of flips) {
    const block = caseDetails(flip)
    if (total(blocksLength + sep.length + block.length, shown.length + 1) > maxChars) break
    shown.push(block)
    blocksLength += sep.length + block.length
  }
  return [head, heading, ...shown, note(shown.length), tail].filter((part) => part !== '').join(sep) + '\n'
}

/**
 * The last resort when even the tables do not fit: cut at a line break (never inside a case
 * block, since those were only added when they fit) and say so.
 */
function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  // The note's length depends on the number in it; reserve room for the longest it can be.
  const noteFor = (omitted: number): string => `\n\n_… output truncated: ${omitted.toLocaleString('en-US')} more characters._\n`
  const room = Math.max(0, maxChars - noteFor(text.length).length)
  const lastBreak = text.lastIndexOf('\n', room)
  const cut = lastBreak > 0 ? text.slice(0, lastBreak) : text.slice(0, room)
  return `${cut}${noteFor(text.length - cut.length)}`.slice(0, maxChars)
}

function targetText(target: CaseRecord['target']): string {
  return Array.isArray(target) ? target.join('\n') : target
}

function gotText(record: CaseRecord): string {
  if (record.error) {
    const error = `${record.error.type}: ${record.error.message}`
    return record.response === null ? error : `${record.response}\n\n[${error}]`
  }
  return record.response ?? '(no response)'
}

function scorerReasons(record: CaseRecord): string {
  const entries = Object.entries(record.scores)
  if (entries.length === 0) return ''
  return entries
    .map(([name, score]) => `- ${escapeInline(name, { maxChars: 60 })}: ${escapeInline(score.reason, { maxChars: CASE_LIMITS.reason })}`)
    .join('\n')
}
