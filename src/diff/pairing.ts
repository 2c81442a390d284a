/**
 * Pairing two runs' records case by case. A case id is stable across versions, shards and
 * resumes, but the same id may appear in two phases, so the key is `${phase}/${id}`.
 */
import type { CaseRecord } from '../run/record.js'
import type { Flip } from './types.js'

/** The key two records of the same case share. */
export const pairKey = (record: Pick<CaseRecord, 'phase' | 'id'>): string => `${record.phase}/${record.id}`

/** Both records of a case present in both runs. */
export interface Pair {
  key: string
  base: CaseRecord
  head: CaseRecord
}

/** The result of {@link pairRecords}. */
export interface Pairing {
  /** In head order, so reports follow the order the run had. */
  pairs: Pair[]
  onlyInBase: CaseRecord[]
  onlyInHead: CaseRecord[]
}

/**
 * Pair records by `${phase}/${id}`. When a key repeats within one run (a resumed run that
 * re-recorded a case), the last record wins, as it does when results are re-read.
 */
export function pairRecords(base: readonly CaseRecord[], head: readonly CaseRecord[]): Pairing {
  const baseByKey = indexByKey(base)
  const headByKey = indexByKey(head)
  const pairs: Pair[] = []
  const onlyInHead: CaseRecord[] = []
  for (const [key, headRecord] of headByKey) {
    const baseRecord = baseByKey.get(key)
    if (baseRecord) pairs.push({ key, base: baseRecord, head: headRecord })
    else onlyInHead.push(headRecord)
  }
  const onlyInBase = [...baseByKey].filter(([key]) => !headByKey.has(key)).map(([, record]) => record)
  return { pairs, onlyInBase, onlyInHead }
}

function indexByKey(records: readonly CaseRecord[]): Map<string, CaseRecord> {
  const byKey = new Map<string, CaseRecord>()
  for (const record of records) byKey.set(pairKey(record), record)
  return byKey
}

/** Pass → fail/error and fail/error → pass, each sorted so the most important comes first. */
export interface Flips {
  /** Largest score drop first; ties by key so the order is stable across runs. */
  regressed: Flip[]
  /** Largest score gain first. */
  fixed: Flip[]
}

/** Split paired cases into flips. A case that stays fail or stays pass is no flip. */
export function findFlips(pairs: readonly Pair[]): Flips {
  const regressed: Flip[] = []
  const fixed: Flip[] = []
  for (const { key, base, head } of pairs) {
    const basePassed = base.status === 'pass'
    const headPassed = head.status === 'pass'
    if (basePassed === headPassed) continue
    const flip: Flip = { key, base, head, scoreDelta: head.score - base.score }
    ;(basePassed ? regressed : fixed).push(flip)
  }
  const byKey = (a: Flip, b: Flip): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  regressed.sort((a, b) => a.scoreDelta - b.scoreDelta || byKey(a, b))
  fixed.sort((a, b) => b.scoreDelta - a.scoreDelta || byKey(a, b))
  return { regressed, fixed }
}
