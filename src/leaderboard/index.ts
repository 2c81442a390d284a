/**
 * The leaderboard: a file format (schema.ts), pure rules (board.ts), markdown and HTML views,
 * and its upkeep on a data branch (branch.ts, which is the only part that talks to GitHub).
 */
export {
  EnvironmentBoard,
  LEADERBOARD_SCHEMA_VERSION,
  Leaderboard,
  LeaderboardEntry,
  LeaderboardPolicy,
  ModelStanding,
  emptyLeaderboard,
  leaderboardJsonSchema,
  parseLeaderboard,
  serializeLeaderboard
} from './schema.js'
export { DEFAULT_MAX_HISTORY, addRun, applyRun, rank, runId, toEntry } from './board.js'
export type { AddRunOptions, AddRunResult, AddRunStatus, LeaderboardRun, RankOptions, RankedEnvironment, RankedRow } from './board.js'
export { HASH_CHANGED_MARK, leaderboardMarkdown, leaderboardTable } from './markdown.js'
export type { LeaderboardMarkdownOptions } from './markdown.js'
export { renderLeaderboardHtml } from './html.js'
export type { LeaderboardHtmlOptions } from './html.js'
export { readLeaderboardFile, writeLeaderboardFile } from './file.js'
export { DEFAULT_LEADERBOARD_PATH, siblingPaths, updateLeaderboardOnBranch } from './branch.js'
export type { UpdateLeaderboardOptions, UpdateLeaderboardResult } from './branch.js'
