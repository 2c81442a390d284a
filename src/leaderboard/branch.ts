/**
 * The action's leaderboard: `leaderboard.json` (with `leaderboard.md` and `leaderboard.html`
 * rendered next to it) kept on a data branch of the repository, updated with retries when
 * another job pushed first. The board logic is board.ts; the branch mechanics data-branch.ts.
 */
import { updateDataBranch, DEFAULT_DATA_BRANCH, type DataBranchResult } from '../github/data-branch.js'
import type { Octokit, RepoRef } from '../github/octokit.js'
import { formatMetric } from '../report/format.js'
import { applyRun, type AddRunResult, type AddRunStatus, type LeaderboardRun } from './board.js'
import { renderLeaderboardHtml } from './html.js'
import { leaderboardMarkdown } from './markdown.js'
import { emptyLeaderboard, parseLeaderboard, serializeLeaderboard, type Leaderboard, type LeaderboardEntry, type LeaderboardPolicy } from './schema.js'

/** Default path of the board on the data branch. */
export const DEFAULT_LEADERBOARD_PATH = 'leaderboard.json'

/** Options of {@link updateLeaderboardOnBranch}. */
export interface UpdateLeaderboardOptions {
  repo: RepoRef
  /** The run to record; a `RunFolder` from `readRunFolder` fits. */
  run: LeaderboardRun
  /** The data branch. Default `benchgen-data`; created (orphan commit) when missing. */
  branch?: string
  /** The board's path on the branch. Default `leaderboard.json`; the .md/.html go next to it. */
  path?: string
  /** `best` or `latest`. Default: the policy stored in the board, `best` for a new board. */
  policy?: LeaderboardPolicy
  /** Runs kept in each model's history. Default 50. */
  maxHistory?: number
  /** Attempts after the first when another job pushed first (or GitHub failed transiently). Default 8. */
  retries?: number
  /** Commits on the branch before its history restarts from a new root. Default 100. */
  maxCommits?: number
  /** Also write `leaderboard.md` and `leaderboard.html` next to the JSON. Default true. */
  render?: boolean
  /** The CI run's id, recorded on the entry (e.g. GITHUB_RUN_ID). Default: `run.runId`, if any. */
  runId?: string
  /** A link to the CI run, recorded on the entry. Default: `run.runUrl`, if any. */
  runUrl?: string
  /** Injected wait between attempts (tests). Default a timer. */
  sleep?: (ms: number) => Promise<void>
  /** Injected jitter source in [0, 1) (tests). Default Math.random. */
  random?: () => number
  /** Notes on retries and restarted history. Default: none. */
  log?: (message: string) => void
}

/** What {@link updateLeaderboardOnBranch} did. */
export interface UpdateLeaderboardResult {
  /** The branch tip that holds the entry: the new commit, or the existing tip when the run was already there. */
  commitSha: string
  /** The run's entry as recorded on the board. */
  entry: LeaderboardEntry
  /** `added`, `replaced`, `kept` (in history, another run shown) or `duplicate` (already there, nothing written). */
  status: AddRunStatus
  /** Attempts made (1 when no other job interfered). */
  attempts: number
  /** The board as written (or as found, for a duplicate). */
  board: Leaderboard
  /** The branch was created by this call. */
  created: boolean
  /** The branch's history was restarted from a new root commit by this call. */
  squashed: boolean
}

/**
 * Record `run` on the leaderboard kept on a data branch, merging with whatever other jobs wrote:
 * each attempt reads the board from the branch tip, applies the run (`applyRun`), writes the
 * JSON (and the .md/.html) as one commit and moves the branch without force; a concurrent push
 * makes it read and apply again, up to `retries` more times with jittered backoff.
 *
 * Idempotent: a run already on the board (same run.json) writes nothing and returns the current
 * tip with status `duplicate`, so retrying a job, or an attempt whose success answer was lost,
 * never adds a run twice.
 *
 * Throws a DataBranchError (token refused 401/403/404 with the permission to grant, empty
 * repository, retries exhausted) or a ValidationError when the file on the branch is not a
 * leaderboard (it is never overwritten then).
 */
export async function updateLeaderboardOnBranch(octokit: Octokit, options: UpdateLeaderboardOptions): Promise<UpdateLeaderboardResult> {
  const branch = options.branch ?? DEFAULT_DATA_BRANCH
  const path = options.path ?? DEFAULT_LEADERBOARD_PATH
  const render = options.render ?? true
  const { markdown: mdPath, html: htmlPath } = siblingPaths(path)
  const runId = options.runId ?? options.run.runId
  const runUrl = options.runUrl ?? options.run.runUrl
  const run: LeaderboardRun = { info: options.run.info, scores: options.run.scores, ...(runId ? { runId } : {}), ...(runUrl ? { runUrl } : {}) }

  let applied: AddRunResult | undefined
  const result: DataBranchResult = await updateDataBranch(octokit, {
    repo: options.repo,
    branch,
    paths: render ? [path, mdPath, htmlPath] : [path],
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.maxCommits !== undefined ? { maxCommits: options.maxCommits } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.log ? { log: options.log } : {}),
    update: (files) => {
      const text = files[path]
      const board = text === undefined ? emptyLeaderboard(options.policy) : parseLeaderboard(text, `${path} on branch ${branch}`)
      applied = applyRun(board, run, { ...(options.policy ? { policy: options.policy } : {}), ...(options.maxHistory !== undefined ? { maxHistory: options.maxHistory } : {}) })
      if (applied.status === 'duplicate') return null
      const out: Record<string, string> = { [path]: serializeLeaderboard(applied.board) }
      if (render) {
        out[mdPath] = leaderboardMarkdown(applied.board)
        out[htmlPath] = renderLeaderboardHtml(applied.board)
      }
      return { files: out, message: commitMessage(run.info.environment.name, applied) }
    }
  })
  // update() ran at least once on every successful path; the last run is what was written.
  const final = applied!
  // Unreachable: a run on an empty board is always written. Kept for the type.
  if (result.commitSha === null) throw new Error(`${branch}: nothing was read or written`)
  return { commitSha: result.commitSha, entry: final.entry, status: final.status, attempts: result.attempts, board: final.board, created: result.created, squashed: result.squashed }
}

/** `leaderboard.json` → `leaderboard.md`, `leaderboard.html` (a path without .json gets the suffix added). */
export function siblingPaths(path: string): { markdown: string; html: string } {
  const stem = path.replace(/\.json$/i, '')
  return { markdown: `${stem}.md`, html: `${stem}.html` }
}

/**
 * `Leaderboard: gsm8k / my-model 61.2% (replaced) [skip ci]`. Names are cut and cleaned of
 * control characters so a model name cannot add lines (or a fake depth trailer) to the message.
 */
function commitMessage(env: string, { entry, status }: AddRunResult): string {
  const clean = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, 80)
  return `Leaderboard: ${clean(env)} / ${clean(entry.modelName || entry.modelKey)} ${formatMetric(entry.score, 'fraction')} (${status}) [skip ci]`
}
