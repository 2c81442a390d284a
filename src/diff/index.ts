/** Comparing a head run with its baseline: pairing, deltas, flips, significance, the verdict. */
export { acknowledge, diffRuns } from './diff.js'
export { directionOf } from './direction.js'
export { metricDeltas } from './metric-deltas.js'
export { groupDeltas } from './groups.js'
export type { GroupKind } from './groups.js'
export { findFlips, pairKey, pairRecords } from './pairing.js'
export type { Flips, Pair, Pairing } from './pairing.js'
export type {
  Acknowledgement,
  Direction,
  Flip,
  GateOptions,
  GroupDelta,
  Interval,
  MetricDelta,
  PairedDelta,
  RunDiff,
  RunResult,
  UnpairedCounts,
  Verdict
} from './types.js'
