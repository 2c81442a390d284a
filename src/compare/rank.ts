/** Ranking runs by score, with each run's test against the leader. */
import { EPSILON } from '../diff/direction.js'
import type { ComparedRun, PairTest, RankedRun } from './types.js'

/**
 * Runs ordered by headline score, best first; a run without a score comes last. Equal scores
 * (within float noise) share a rank, as in 1, 1, 3, and keep the order they were given in.
 * `vsLeader` is the pair test between each run and the top-ranked run, taken from `pairs` (so
 * it carries the same Holm correction as the matrix); null for the leader itself.
 */
export function rankRuns(runs: readonly ComparedRun[], pairs: readonly PairTest[]): RankedRun[] {
  const order = runs.map((run, index) => ({ run, index }))
  order.sort((x, y) => compareScores(x.run.score, y.run.score) || x.index - y.index)
  const leader = order[0]?.run.label
  const ranked: RankedRun[] = []
  order.forEach(({ run }, position) => {
    const previous = ranked[position - 1]
    const tied = previous !== undefined && sameScore(previous.score, run.score)
    const test = run.label === leader ? undefined : findPair(pairs, leader ?? '', run.label)
    ranked.push({
      rank: tied ? previous.rank : position + 1,
      label: run.label,
      score: run.score,
      interval: run.interval,
      vsLeader: test ? { pValue: test.pValue, adjustedP: test.adjustedP, significant: test.significant } : null
    })
  })
  return ranked
}

/** The test of the pair {x, y}, whichever order it was computed in. */
export function findPair(pairs: readonly PairTest[], x: string, y: string): PairTest | undefined {
  return pairs.find((pair) => (pair.a === x && pair.b === y) || (pair.a === y && pair.b === x))
}

/** Descending, nulls last; differences below EPSILON are ties. */
function compareScores(x: number | null, y: number | null): number {
  if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1
  return Math.abs(x - y) < EPSILON ? 0 : y - x
}

function sameScore(x: number | null, y: number | null): boolean {
  return x === null || y === null ? x === y : Math.abs(x - y) < EPSILON
}
