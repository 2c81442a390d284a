/**
 * The comparison as markdown: readable in a terminal, and ready to paste into a PR or a job
 * summary. A pure function returning one string.
 *
 * Everything that came from the run folders (model and environment names, folders, case ids,
 * phases, tags, model output, dataset text) goes through `escapeInline` or `fenceUntrusted`, the
 * same door the PR comment uses. Our own sentences (the verdict, numbers) are written as is.
 */
import { markdownTable } from 'markdown-table'
import type { Direction, Flip, GroupDelta, MetricDelta } from '../diff/types.js'
import { escapeInline } from '../github/escape.js'
import { formatDelta, formatInterval, formatMetric, formatPValue } from '../report/format.js'
import { caseBlock, type CaseAnswer } from '../report/markdown.js'
import { HEADLINE_METRICS } from '../scoring/metrics.js'
import { pValueNumber, shortHash } from './text.js'
import { findPair } from './rank.js'
import type { ComparedRun, Comparison, PairDetail, PairTest } from './types.js'

/** Options of {@link compareMarkdown}. */
export interface CompareMarkdownOptions {
  /** Fixed and regressed cases shown with both answers, per list. Default 3. */
  examples?: number
  /** Case ids listed per list before "… and N more". Default 50. */
  maxIds?: number
  /** Rows of the per-phase and per-tag tables, largest change first. Default 20. */
  maxGroups?: number
}

const MARK: Record<Direction, string> = { improved: ' ▲', regressed: ' ▼', unchanged: '', unknown: '' }
const LEGEND = '<sub>▲ better, ▼ worse in B than in A (for latency, tokens and cost, lower is better).</sub>'
/** Characters of a case id, and of each answer: two answers per case, so shorter than the PR comment's one. */
const CASE_LIMITS = { got: 1500, id: 120 }
const SIG = '✱'

/** The comparison: a two-run report with its verdict, or a ranking of three or more runs. */
export function compareMarkdown(comparison: Comparison, options: CompareMarkdownOptions = {}): string {
  const parts = comparison.detail ? pairParts(comparison, comparison.detail, options) : rankingParts(comparison)
  return parts.filter((part) => part !== '').join('\n\n') + '\n'
}

function pairParts(c: Comparison, detail: PairDetail, options: CompareMarkdownOptions): string[] {
  const { examples = 3, maxIds = 50, maxGroups = 20 } = options
  const [a, b] = c.runs as [ComparedRun, ComparedRun]
  const { test, table } = detail
  return [
    `### BenchGen Eval compare: ${environmentTitle(c)}, ${b.label} vs ${a.label}`,
    `**${detail.verdict.text}**`,
    testLine(test, c.alpha),
    notesList(c.notes),
    runsTable(c, ['A (baseline)', 'B (candidate)']),
    `#### Metrics\n\n${metricsTable(detail.metrics, test)}`,
    `#### Flipped cases\n\n${markdownTable(
      [
        ['', `${b.label} pass`, `${b.label} fail or error`],
        [`**${a.label} pass**`, count(table.bothPass), `${count(table.regressed)} (b, regressed)`],
        [`**${a.label} fail or error**`, `${count(table.fixed)} (c, fixed)`, count(table.bothNotPass)]
      ],
      { align: ['l', 'r', 'r'], alignDelimiters: false }
    )}`,
    detail.phases.length > 1 ? groupSection('phase', detail.phases, maxGroups) : '',
    detail.tags.length > 1 ? groupSection('tag', detail.tags, maxGroups) : '',
    flipSection(`Fixed in ${b.label}`, detail.fixed, a, b, examples, maxIds),
    flipSection(`Regressed in ${b.label}`, detail.regressed, a, b, examples, maxIds),
    c.runs.map((run) => runLine(run, c.runs)).join('<br>\n'),
    LEGEND
  ]
}

function rankingParts(c: Comparison): string[] {
  const byLabel = new Map(c.runs.map((run) => [run.label, run]))
  const ranked = c.ranking.map((r) => byLabel.get(r.label)!)
  const tested = c.pairs.filter((p) => p.pValue !== null).length
  return [
    `### BenchGen Eval compare: ${environmentTitle(c)}, ${c.runs.length} runs`,
    notesList(c.notes),
    `#### Ranking\n\n${rankingTable(c)}`,
    `#### Which differences are significant\n\nExact McNemar test of every pair on the cases both runs have, Holm-corrected for ${tested} tested pair${tested === 1 ? '' : 's'}; ${SIG} marks adjusted p < ${c.alpha}.\n\n${matrixTable(c, ranked)}`,
    pairsTable(c),
    `#### Metrics\n\n${metricsByRun(ranked)}`,
    ranked.map((run) => runLine(run, c.runs)).join('<br>\n')
  ]
}

/** `gsm8k 1.0.0`, or `gsm8k 1.0.0 / 1.1.0` when an allowed hash mismatch spans versions. */
function environmentTitle(c: Comparison): string {
  const versions = [...new Set(c.runs.map((run) => run.environment.version))]
  return `${escapeInline(c.environment, { maxChars: 80 })} ${versions.map((v) => escapeInline(v, { maxChars: 40 })).join(' / ')}`
}

function testLine(test: PairTest, alpha: number): string {
  if (test.pValue === null) return ''
  const flipped = test.fixed + test.regressed
  return (
    `Exact McNemar test on the ${count(flipped)} paired case${flipped === 1 ? '' : 's'} that flipped between pass and not-pass: ` +
    `b = ${count(test.regressed)} regressed (${test.a} pass → ${test.b} not), c = ${count(test.fixed)} fixed (${test.a} not → ${test.b} pass), ` +
    `${formatPValue(test.pValue)} (two-sided), ${count(test.paired)} cases in both runs, α = ${alpha}.`
  )
}

function notesList(notes: readonly string[]): string {
  return notes.map((note) => `- ⚠ ${escapeInline(note, { maxChars: 600 })}`).join('\n')
}

function runsTable(c: Comparison, roles: readonly string[]): string {
  const rows = c.runs.map((run, i) => [
    roles[i] ?? run.label,
    modelCell(run, c.runs),
    scoreCell(run),
    count(run.n),
    run.git.sha ? escapeInline(run.git.sha.slice(0, 12)) : '',
    run.dir ? escapeInline(run.dir, { maxChars: 120 }) : ''
  ])
  return markdownTable([['Run', 'Model', 'Score (95% CI)', 'Cases', 'Commit', 'Folder'], ...rows], {
    align: ['l', 'l', 'r', 'r', 'l', 'l'],
    alignDelimiters: false
  })
}

/**
 * The model's name; its key (which names the endpoint's host) only when another run has the same
 * name, e.g. two checkpoints served under one name, so the runs can be told apart.
 */
function modelCell(run: ComparedRun, runs: readonly ComparedRun[]): string {
  const name = escapeInline(run.model.name, { maxChars: 80 })
  const ambiguous = runs.some((other) => other !== run && other.model.name === run.model.name && other.model.key !== run.model.key)
  return ambiguous ? `${name} (${escapeInline(run.model.key, { maxChars: 80 })})` : name
}

function scoreCell(run: Pick<ComparedRun, 'score' | 'interval'>): string {
  const value = formatMetric(run.score, 'fraction')
  return run.score !== null && run.interval ? `${value} (${formatInterval(run.interval, 'fraction')})` : value
}

function metricsTable(rows: readonly MetricDelta[], test: PairTest): string {
  if (rows.length === 0) return '_No metrics reported._'
  const body = rows.map((row) => {
    let change = `${formatDelta(row.delta, row.kind)}${MARK[row.direction]}`
    if (row.key === 'score' && test.pairedDelta) {
      change += ` (paired ${formatInterval(test.pairedDelta, 'fraction', { delta: true, level: test.pairedDelta.level })})`
    }
    return [row.label, withInterval(row.base, row.baseInterval, row), withInterval(row.head, row.headInterval, row), change]
  })
  return markdownTable([['Metric', test.a, test.b, `Change (${test.b} − ${test.a})`], ...body], { align: ['l', 'r', 'r', 'r'], alignDelimiters: false })
}

function withInterval(value: number | null, interval: { low: number; high: number } | null, row: MetricDelta): string {
  const text = formatMetric(value, row.kind)
  return value !== null && interval ? `${text} (${formatInterval(interval, row.kind, { level: 0.95 })})` : text
}

function groupSection(kind: 'phase' | 'tag', groups: readonly GroupDelta[], maxRows: number): string {
  const ordered = [...groups].sort(largestChangeFirst)
  const shown = ordered.slice(0, maxRows)
  const rows = shown.map((g) => [
    escapeInline(g.name, { maxChars: 80 }),
    formatMetric(g.base, 'fraction'),
    formatMetric(g.head, 'fraction'),
    `${formatDelta(g.delta, 'fraction')}${MARK[g.direction]}`,
    g.baseN === g.headN ? count(g.headN) : `${count(g.baseN)} / ${count(g.headN)}`
  ])
  const table = markdownTable([[kind === 'phase' ? 'Phase' : 'Tag', 'A', 'B', 'Change', 'Cases'], ...rows], {
    align: ['l', 'r', 'r', 'r', 'r'],
    alignDelimiters: false
  })
  const more = groups.length - shown.length
  return `#### By ${kind}\n\n${table}${more > 0 ? `\n\n_${count(more)} more ${kind}s not shown._` : ''}`
}

/** Largest absolute change first (a reader looks for where the runs differ), then by name. */
function largestChangeFirst(x: GroupDelta, y: GroupDelta): number {
  const size = (g: GroupDelta): number => (g.delta === null ? -1 : Math.abs(g.delta))
  return size(y) - size(x) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)
}

function flipSection(title: string, flips: readonly Flip[], a: ComparedRun, b: ComparedRun, examples: number, maxIds: number): string {
  if (flips.length === 0) return `#### ${title} (0)\n\nNone.`
  const ids = flips.slice(0, maxIds).map((flip) => escapeInline(flip.key, { maxChars: CASE_LIMITS.id }))
  const more = flips.length - ids.length
  const list = `${ids.join(', ')}${more > 0 ? `, … and ${count(more)} more` : ''}`
  const blocks = flips.slice(0, Math.max(0, examples)).map((flip) => flipDetails(flip, a, b))
  return [`#### ${title} (${count(flips.length)})`, list, ...blocks].join('\n\n')
}

/**
 * One flipped case with both runs' answers, collapsed: the summary names the case and how it
 * changed; the body shows the input, the expected answer and what each run answered.
 */
export function flipDetails(flip: Flip, a: Pick<ComparedRun, 'label' | 'model'>, b: Pick<ComparedRun, 'label' | 'model'>): string {
  const { base, head } = flip
  const answer = (run: Pick<ComparedRun, 'label' | 'model'>, record: CaseAnswer['record']): CaseAnswer => ({
    heading: `${run.label} (${escapeInline(run.model.name, { maxChars: 80 })}) answered`,
    record
  })
  return caseBlock({
    name: escapeInline(flip.key, { maxChars: CASE_LIMITS.id }),
    change: `${a.label} ${base.status} → ${b.label} ${head.status}, score ${formatMetric(base.score, 'fraction', { digits: 0 })} → ${formatMetric(head.score, 'fraction', { digits: 0 })}`,
    input: head.input,
    target: head.target,
    answers: [answer(a, base), answer(b, head)],
    maxAnswerChars: CASE_LIMITS.got
  })
}

function rankingTable(c: Comparison): string {
  const byLabel = new Map(c.runs.map((run) => [run.label, run]))
  const leader = c.ranking[0]?.label ?? ''
  const rows = c.ranking.map((r) => {
    const run = byLabel.get(r.label)!
    let vs = '—'
    if (r.vsLeader) {
      vs = r.vsLeader.adjustedP === null ? 'not testable' : `${formatPValue(r.vsLeader.adjustedP)}${r.vsLeader.significant ? ` ${SIG} significantly lower` : ', not significant'}`
    }
    return [String(r.rank), r.label, modelCell(run, c.runs), scoreCell(r), count(run.n), vs]
  })
  return markdownTable([['Rank', 'Run', 'Model', 'Score (95% CI)', 'Cases', `vs ${leader} (Holm)`], ...rows], {
    align: ['r', 'l', 'l', 'r', 'r', 'l'],
    alignDelimiters: false
  })
}

/** Holm-adjusted p of every pair, runs in rank order on both axes. */
function matrixTable(c: Comparison, ranked: readonly ComparedRun[]): string {
  const header = ['', ...ranked.map((run) => run.label)]
  const rows = ranked.map((row) => [
    `**${row.label}**`,
    ...ranked.map((col) => {
      if (col.label === row.label) return '—'
      const pair = findPair(c.pairs, row.label, col.label)
      if (!pair || pair.adjustedP === null) return 'n/a'
      return `${pValueNumber(pair.adjustedP)}${pair.significant ? ` ${SIG}` : ''}`
    })
  ])
  return markdownTable([header, ...rows], { align: ['l', ...ranked.map(() => 'r' as const)], alignDelimiters: false })
}

/** Every pair, most significant first: the change, its interval, the flip counts, raw and Holm p. */
function pairsTable(c: Comparison): string {
  const ordered = [...c.pairs].sort((x, y) => (x.adjustedP ?? 2) - (y.adjustedP ?? 2))
  const rows = ordered.map((p) => [
    `${p.b} − ${p.a}`,
    formatDelta(p.pairedDelta?.mean ?? p.scoreDelta, 'fraction'),
    formatInterval(p.pairedDelta, 'fraction', { delta: true }),
    count(p.fixed),
    count(p.regressed),
    count(p.paired),
    p.pValue === null ? 'n/a' : pValueNumber(p.pValue),
    p.adjustedP === null ? 'n/a' : pValueNumber(p.adjustedP),
    p.pValue === null ? 'not testable' : p.significant ? `${SIG} significant` : 'not significant'
  ])
  return markdownTable([['Pair', 'Change', '95% CI', 'Fixed (c)', 'Regressed (b)', 'Paired', 'p', 'Holm p', ''], ...rows], {
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    alignDelimiters: false
  })
}

/** The headline metrics side by side, one column per run in rank order. */
function metricsByRun(ranked: readonly ComparedRun[]): string {
  const rows = HEADLINE_METRICS.filter((m) => ranked.some((run) => Number.isFinite(run.scores[m.key]))).map((m) => [
    m.label,
    ...ranked.map((run) => formatMetric(run.scores[m.key], m.kind))
  ])
  if (rows.length === 0) return '_No metrics reported._'
  return markdownTable([['Metric', ...ranked.map((run) => run.label)], ...rows], { align: ['l', ...ranked.map(() => 'r' as const)], alignDelimiters: false })
}

/** `A: gsm8k 1.0.0 · hash 3f2a9c1b7d4e · model x · 200 cases · commit 0123456789ab · runs/a`. */
function runLine(run: ComparedRun, runs: readonly ComparedRun[]): string {
  const parts = [
    `${escapeInline(run.environment.name, { maxChars: 80 })} ${escapeInline(run.environment.version, { maxChars: 40 })}`,
    `hash ${escapeInline(shortHash(run.environment.hash))}`,
    `model ${modelCell(run, runs)}`,
    `${count(run.n)} cases`
  ]
  if (run.git.sha) parts.push(`commit ${escapeInline(run.git.sha.slice(0, 12))}`)
  if (run.dir) parts.push(escapeInline(run.dir, { maxChars: 120 }))
  return `<sub>${run.label}: ${parts.join(' · ')}</sub>`
}


const count = (n: number): string => formatMetric(n, 'count')
