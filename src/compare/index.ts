/** Comparing two or more runs of one environment: paired tests, Holm correction, ranking. */
export { compareRuns, DEFAULT_ALPHA } from './compare.js'
export { checkComparable, IncomparableRunsError } from './check.js'
export type { Compatibility, IncomparableReason } from './check.js'
export { holmAdjust } from './holm.js'
export { labelFor } from './text.js'
export { comparisonToJson } from './json.js'
export type { ComparisonJson, FlipJson, SideJson } from './json.js'
export { compareMarkdown, flipDetails } from './markdown.js'
export type { CompareMarkdownOptions } from './markdown.js'
export { findPair, rankRuns } from './rank.js'
export { verdictOf } from './verdict.js'
export type {
  CompareInput,
  CompareOptions,
  ComparedRun,
  Comparison,
  CompareVerdict,
  FlipTable,
  PairDetail,
  PairTest,
  RankedRun,
  VerdictKind
} from './types.js'
