/**
 * Commit relations through the compare API, so no git history is needed on the runner (a
 * default `actions/checkout` fetches one commit).
 */
import { httpStatus, type Octokit, type RepoRef } from './octokit.js'

/** Statuses in which the compare API says "these commits cannot be related by this token". */
const UNRELATED = new Set([403, 404, 422])

/**
 * The merge base of `base` and `head` (branch names or shas): the commit a PR's baseline is
 * taken at. `null` when the API cannot tell (404: unknown commit or a fork's commit not visible;
 * 403: no permission; 422: no common history). Other failures (network, 5xx) are thrown.
 */
export async function findMergeBase(octokit: Octokit, repo: RepoRef, base: string, head: string): Promise<string | null> {
  const comparison = await compare(octokit, repo, base, head)
  return comparison?.mergeBase ?? null
}

/** How commit `from` relates to commit `to`. */
export interface CommitRelation {
  /** `identical`, `ahead` (to is after from), `behind` (to is before from) or `diverged`. */
  status: 'identical' | 'ahead' | 'behind' | 'diverged'
  /** Commits in `to` that `from` lacks. */
  aheadBy: number
  /** Commits in `from` that `to` lacks. */
  behindBy: number
  mergeBase: string
}

/**
 * Compare `from...to`; `null` when the API cannot relate them (see {@link findMergeBase}).
 * `per_page: 1` keeps the answer small: only the counts and the merge base are read.
 */
export async function compare(octokit: Octokit, repo: RepoRef, from: string, to: string): Promise<CommitRelation | null> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${from}...${to}`, per_page: 1 })
    return { status: data.status, aheadBy: data.ahead_by, behindBy: data.behind_by, mergeBase: data.merge_base_commit.sha }
  } catch (error) {
    if (UNRELATED.has(httpStatus(error) ?? 0)) return null
    throw error
  }
}
