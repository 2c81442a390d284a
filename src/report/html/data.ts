/**
 * The data the HTML report embeds: a compact, page-oriented projection of a run (and optionally
 * its baseline). Pure functions only; `html.ts` serialises the result into the page, and the
 * page's script (`script.ts`) is the only reader, so the two must agree on these shapes.
 */
import type { CaseRecord, CaseStatus } from '../../run/record.js'
import type { RunInfo } from '../../run/run-info.js'
import { HEADLINE_METRICS, phaseKey, tagKey, type Scores } from '../../scoring/metrics.js'
import { formatDelta, formatInterval, formatMetric } from '../format.js'

/** One run and everything the report shows about it. */
export interface ReportRun {
  info: RunInfo
  scores: Scores
  records: CaseRecord[]
}

/** What `renderReport()` needs: the run, and optionally the baseline it is compared with. */
export interface ReportInput extends ReportRun {
  /** The run to compare with; enables deltas, the "changed" filter and side-by-side responses. */
  baseline?: ReportRun
}

/** How a case moved against the baseline, judged by pass/not-pass. */
export type CaseChange = 'fixed' | 'regressed' | 'same' | 'new'

export interface PageRun {
  env: { name: string; version: string; hash: string; source: string }
  model: { name: string; key: string; api: string }
  tool: string
  startedAt: string
  endedAt: string | null
  durationMs: number | null
  git: { sha?: string; ref?: string }
  phase: string
  cases: number
}

/** One bar of a breakdown chart (a phase or a tag). Null where scores.json lacks the key. */
export interface PageGroup {
  name: string
  score: number | null
  accuracy: number | null
  n: number | null
  /** The baseline's score for the same group, when there is a baseline that has it. */
  baseScore: number | null
}

export interface PageScore {
  name: string
  value: number
  passed: boolean
  extracted: string | null
  reason: string
}

/** The baseline's side of a case: what is needed to show the two responses side by side. */
export interface PageBaseCase {
  status: CaseStatus
  score: number
  /** Index into `texts`, or null when the model gave no response. */
  response: number | null
  extracted: string | null
  latencyMs: number
  scores: PageScore[]
}

/**
 * One case. Long text (input, messages, prompt, responses) is stored once in the payload's
 * `texts` table and referenced by index, because few-shot prompts and system messages repeat in
 * every case and a baseline's responses often equal the run's.
 */
export interface PageCase {
  id: string
  phase: string
  index: number
  tags: string[]
  input: number
  target: string | string[]
  choices?: string[]
  messages?: Array<[role: string, text: number]>
  prompt?: number
  response: number | null
  finishReason?: string
  extracted: string | null
  scores: PageScore[]
  score: number
  status: CaseStatus
  error: CaseRecord['error']
  attempts: number
  latencyMs: number
  usage: CaseRecord['usage']
  costUsd: number | null
  source?: string
  metadata?: Record<string, unknown>
  /** Only with a baseline. */
  change?: CaseChange
  base?: PageBaseCase
}

/**
 * One headline metric card, formatted here with `format.ts` so the page spells numbers exactly
 * like the markdown report and the PR comment.
 */
export interface PageMetric {
  key: string
  label: string
  value: string
  /** A second line: the 95% interval, the error count, the token split. */
  sub?: string
  /** Only with a baseline that has the metric. */
  delta?: { text: string; tone: 'good' | 'bad' | 'same'; baseline: string }
}

export interface PagePayload {
  version: 1
  run: PageRun
  scores: Scores
  metrics: PageMetric[]
  phases: PageGroup[]
  tags: PageGroup[]
  baseline: { run: PageRun; scores: Scores; onlyInBaseline: number } | null
  texts: string[]
  cases: PageCase[]
}

/** Builds the payload the page embeds. Cases are ordered by phase (first seen) then index. */
export function buildPayload(input: ReportInput): PagePayload {
  const texts = new TextTable()
  const base = input.baseline
  const baseById = new Map<string, CaseRecord>()
  for (const r of base?.records ?? []) baseById.set(r.id, r)

  const cases = orderCases(input.records).map((r) => {
    const c = pageCase(r, texts)
    if (base) {
      const b = baseById.get(r.id)
      c.change = classifyChange(r.status, b?.status)
      if (b) c.base = pageBaseCase(b, texts)
    }
    return c
  })

  let onlyInBaseline = 0
  if (base) {
    const ids = new Set(input.records.map((r) => r.id))
    for (const id of baseById.keys()) if (!ids.has(id)) onlyInBaseline++
  }

  return {
    version: 1,
    run: pageRun(input.info),
    scores: input.scores,
    metrics: headlineMetrics(input.scores, base?.scores),
    phases: breakdown('phase', input.scores, input.records, base?.scores),
    tags: breakdown('tag', input.scores, input.records, base?.scores),
    baseline: base ? { run: pageRun(base.info), scores: base.scores, onlyInBaseline } : null,
    texts: texts.values,
    cases
  }
}

/** The headline metrics present in scores.json, in HEADLINE_METRICS order, with deltas. */
export function headlineMetrics(scores: Scores, baseScores?: Scores): PageMetric[] {
  const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v)
  const interval = (low: number | undefined, high: number | undefined): string | undefined =>
    finite(low) && finite(high) ? formatInterval({ low, high }, 'fraction', { level: 0.95 }) : undefined
  const out: PageMetric[] = []
  for (const m of HEADLINE_METRICS) {
    if (!(m.key in scores)) continue
    const value = scores[m.key]
    const card: PageMetric = { key: m.key, label: m.label, value: formatMetric(value, m.kind) }
    let sub: string | undefined
    if (m.key === 'score') sub = interval(scores.score_ci_low, scores.score_ci_high)
    else if (m.key === 'accuracy') sub = interval(scores.accuracy_ci_low, scores.accuracy_ci_high)
    else if (m.key === 'error_rate' && finite(scores.errors)) sub = `${formatMetric(scores.errors, 'count')} ${scores.errors === 1 ? 'error' : 'errors'}`
    else if (m.key === 'tokens_total' && finite(scores.tokens_prompt) && finite(scores.tokens_completion)) {
      sub = `${formatMetric(scores.tokens_prompt, 'tokens')} in · ${formatMetric(scores.tokens_completion, 'tokens')} out`
    }
    if (sub !== undefined) card.sub = sub
    const before = baseScores?.[m.key]
    if (finite(value) && finite(before)) {
      const text = formatDelta(value - before, m.kind)
      const tone = text.startsWith('±') ? 'same' : value > before === m.higherIsBetter ? 'good' : 'bad'
      card.delta = { text, tone, baseline: formatMetric(before, m.kind) }
    }
    out.push(card)
  }
  return out
}

/**
 * Fixed: the baseline did not pass and this run does. Regressed: the reverse. A case missing
 * from the baseline is new. Fail and error count alike as "not passing".
 */
export function classifyChange(current: CaseStatus, baseline: CaseStatus | undefined): CaseChange {
  if (baseline === undefined) return 'new'
  const now = current === 'pass'
  const before = baseline === 'pass'
  if (now === before) return 'same'
  return now ? 'fixed' : 'regressed'
}

/**
 * The per-phase or per-tag groups, from scores.json's `phase.<p>.*` / `tag.<t>.*` keys (names may
 * contain dots). When scores.json has no such keys (an older or hand-made file), they are
 * computed from the records so the chart still says something.
 */
export function breakdown(kind: 'phase' | 'tag', scores: Scores, records: CaseRecord[], baseScores?: Scores): PageGroup[] {
  const keyOf = kind === 'phase' ? phaseKey : tagKey
  const pattern = new RegExp(`^${kind}\\.(.+)\\.(score|accuracy|n)$`)
  const names: string[] = []
  for (const key of Object.keys(scores)) {
    const name = pattern.exec(key)?.[1]
    if (name !== undefined && !names.includes(name)) names.push(name)
  }
  const num = (s: Scores | undefined, key: string): number | null => {
    const v = s?.[key]
    return typeof v === 'number' && Number.isFinite(v) ? v : null
  }
  const groups: PageGroup[] =
    names.length > 0
      ? names.map((name) => ({
          name,
          score: num(scores, keyOf(name, 'score')),
          accuracy: num(scores, keyOf(name, 'accuracy')),
          n: num(scores, keyOf(name, 'n')),
          baseScore: num(baseScores, keyOf(name, 'score'))
        }))
      : fromRecords(kind, records).map((g) => ({ ...g, baseScore: num(baseScores, keyOf(g.name, 'score')) }))
  // Phases read best in their natural order; tags by size, so the biggest groups come first.
  if (kind === 'tag') groups.sort((a, b) => (b.n ?? 0) - (a.n ?? 0) || a.name.localeCompare(b.name))
  return groups
}

function fromRecords(kind: 'phase' | 'tag', records: CaseRecord[]): Omit<PageGroup, 'baseScore'>[] {
  const acc = new Map<string, { sum: number; passed: number; n: number }>()
  for (const r of records) {
    for (const name of kind === 'phase' ? [r.phase] : r.tags) {
      const g = acc.get(name) ?? { sum: 0, passed: 0, n: 0 }
      g.sum += r.score
      g.passed += r.status === 'pass' ? 1 : 0
      g.n += 1
      acc.set(name, g)
    }
  }
  return [...acc].map(([name, g]) => ({ name, score: g.sum / g.n, accuracy: g.passed / g.n, n: g.n }))
}

function orderCases(records: CaseRecord[]): CaseRecord[] {
  const phaseOrder = new Map<string, number>()
  for (const r of records) if (!phaseOrder.has(r.phase)) phaseOrder.set(r.phase, phaseOrder.size)
  return [...records].sort((a, b) => (phaseOrder.get(a.phase) ?? 0) - (phaseOrder.get(b.phase) ?? 0) || a.index - b.index)
}

function pageRun(info: RunInfo): PageRun {
  const src = info.environment.source
  return {
    env: {
      name: info.environment.name,
      version: info.environment.version,
      hash: info.environment.hash,
      source: src.path ? `${src.kind}:${src.ref} (${src.path})` : `${src.kind}:${src.ref}`
    },
    // The base URL is left out on purpose: it can name internal hosts, and the page gains nothing.
    model: { name: info.model.name, key: info.model.key, api: info.model.api },
    tool: `${info.tool.name} ${info.tool.version}`,
    startedAt: info.startedAt,
    endedAt: info.endedAt,
    durationMs: info.durationMs,
    git: info.git,
    phase: info.settings.phase,
    cases: info.cases
  }
}

function pageScores(scores: CaseRecord['scores']): PageScore[] {
  return Object.entries(scores).map(([name, s]) => ({ name, ...s }))
}

function pageCase(r: CaseRecord, texts: TextTable): PageCase {
  const c: PageCase = {
    id: r.id,
    phase: r.phase,
    index: r.index,
    tags: r.tags,
    input: texts.add(r.input),
    target: r.target,
    response: r.response === null ? null : texts.add(r.response),
    extracted: r.extracted,
    scores: pageScores(r.scores),
    score: r.score,
    status: r.status,
    error: r.error,
    attempts: r.attempts,
    latencyMs: r.latencyMs,
    usage: r.usage,
    costUsd: r.costUsd
  }
  if (r.choices) c.choices = r.choices
  if (r.messages) c.messages = r.messages.map((m) => [m.role, texts.add(m.content)])
  if (r.prompt !== undefined) c.prompt = texts.add(r.prompt)
  if (r.finishReason !== undefined) c.finishReason = r.finishReason
  if (r.source) c.source = r.source.line === undefined ? r.source.file : `${r.source.file}:${r.source.line}`
  if (Object.keys(r.metadata).length > 0) c.metadata = r.metadata
  return c
}

function pageBaseCase(b: CaseRecord, texts: TextTable): PageBaseCase {
  return {
    status: b.status,
    score: b.score,
    response: b.response === null ? null : texts.add(b.response),
    extracted: b.extracted,
    latencyMs: b.latencyMs,
    scores: pageScores(b.scores)
  }
}

/** Stores each distinct string once and hands out its index. */
class TextTable {
  readonly values: string[] = []
  private readonly index = new Map<string, number>()

  add(text: string): number {
    let i = this.index.get(text)
    if (i === undefined) {
      i = this.values.length
      this.values.push(text)
      this.index.set(text, i)
    }
    return i
  }
}
