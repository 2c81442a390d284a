/**
 * `benchgen compare --json`: the comparison as plain JSON. Flipped cases are listed by key with
 * each run's status, score and extracted answer; the full records (prompts, responses) stay in
 * the runs' results.jsonl, so the output stays small for large evaluations.
 */
import type { Flip } from '../diff/types.js'
import type { Comparison, PairDetail } from './types.js'

/** One flipped case in the JSON output. */
export interface FlipJson {
  /** `${phase}/${id}`, the pairing key. */
  key: string
  id: string
  phase: string
  tags: string[]
  /** The baseline's (A's) side. */
  a: SideJson
  /** The candidate's (B's) side. */
  b: SideJson
}

/** One run's side of a flipped case. */
export interface SideJson {
  status: 'pass' | 'fail' | 'error'
  score: number
  extracted: string | null
  /** The error's type when the case errored, else null. */
  error: string | null
}

/** A {@link Comparison} with its flipped cases slimmed to {@link FlipJson}. */
export interface ComparisonJson extends Omit<Comparison, 'detail'> {
  detail: (Omit<PairDetail, 'fixed' | 'regressed'> & { fixed: FlipJson[]; regressed: FlipJson[] }) | null
}

/** The JSON view of a comparison; JSON.stringify it as is. */
export function comparisonToJson(comparison: Comparison): ComparisonJson {
  const { detail } = comparison
  return {
    ...comparison,
    detail: detail ? { ...detail, fixed: detail.fixed.map(flipJson), regressed: detail.regressed.map(flipJson) } : null
  }
}

function flipJson(flip: Flip): FlipJson {
  const side = (record: Flip['base']): SideJson => ({
    status: record.status,
    score: record.score,
    extracted: record.extracted,
    error: record.error?.type ?? null
  })
  return { key: flip.key, id: flip.head.id, phase: flip.head.phase, tags: flip.head.tags, a: side(flip.base), b: side(flip.head) }
}
