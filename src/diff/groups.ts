/**
 * Per-phase and per-tag score changes. Values come from `scores.json` (`phase.<name>.score`,
 * `tag.<name>.score`) when the run wrote them, so the diff agrees with the run's own report;
 * a run without those keys falls back to the mean of its records' scores.
 */
import type { CaseRecord } from '../run/record.js'
import { phaseKey, tagKey } from '../scoring/metrics.js'
import type { Scores } from '../scoring/metrics.js'
import { mean } from '../scoring/stats.js'
import { directionOf } from './direction.js'
import { finiteOrNull } from './metric-deltas.js'
import type { GroupDelta, RunResult } from './types.js'

/** Which grouping: a case has one phase and any number of tags. */
export type GroupKind = 'phase' | 'tag'

const keyFor = (kind: GroupKind, name: string, metric: 'score' | 'n'): string =>
  kind === 'phase' ? phaseKey(name, metric) : tagKey(name, metric)

const groupsOf = (kind: GroupKind, record: CaseRecord): readonly string[] => (kind === 'phase' ? [record.phase] : record.tags)

/** Score change of every phase or tag seen in either run, sorted by name. */
export function groupDeltas(kind: GroupKind, base: RunResult | null, head: RunResult): GroupDelta[] {
  const baseGroups = collect(kind, base)
  const headGroups = collect(kind, head)
  const names = [...new Set([...baseGroups.keys(), ...headGroups.keys()])].sort()
  return names.map((name) => {
    const b = baseGroups.get(name)
    const h = headGroups.get(name)
    const baseScore = b?.score ?? null
    const headScore = h?.score ?? null
    const delta = baseScore === null || headScore === null ? null : headScore - baseScore
    return {
      name,
      base: baseScore,
      head: headScore,
      delta,
      baseN: b?.n ?? 0,
      headN: h?.n ?? 0,
      direction: directionOf(delta, true)
    }
  })
}

interface GroupValue {
  score: number | null
  n: number
}

function collect(kind: GroupKind, run: RunResult | null): Map<string, GroupValue> {
  const out = new Map<string, GroupValue>()
  if (!run) return out
  const byGroup = new Map<string, number[]>()
  for (const record of run.records) {
    for (const name of groupsOf(kind, record)) {
      const list = byGroup.get(name) ?? []
      list.push(record.score)
      byGroup.set(name, list)
    }
  }
  for (const name of namesInScores(kind, run.scores)) if (!byGroup.has(name)) byGroup.set(name, [])
  for (const [name, values] of byGroup) {
    const fromFile = finiteOrNull(run.scores[keyFor(kind, name, 'score')])
    const nFromFile = finiteOrNull(run.scores[keyFor(kind, name, 'n')])
    out.set(name, {
      score: fromFile ?? (values.length > 0 ? mean(values) : null),
      n: nFromFile ?? values.length
    })
  }
  return out
}

function namesInScores(kind: GroupKind, scores: Scores): string[] {
  // Names may contain dots, so match the known prefix and suffix rather than splitting.
  const prefix = `${kind}.`
  const suffix = '.score'
  return Object.keys(scores)
    .filter((key) => key.startsWith(prefix) && key.endsWith(suffix) && key.length > prefix.length + suffix.length)
    .map((key) => key.slice(prefix.length, -suffix.length))
}
