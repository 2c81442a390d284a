/**
 * Pull request labels, for the label that acknowledges an intended regression. The event payload
 * holds the labels as they were when the event fired; a label added afterwards, followed by
 * "Re-run jobs", is only visible through the API, so the API is asked when the token allows.
 */
import type { Octokit, RepoRef } from './octokit.js'

/** The labels of a pull request and where the list came from. */
export interface PullRequestLabels {
  labels: string[]
  /** `api` when freshly listed; `payload` when the API could not be asked. */
  source: 'api' | 'payload'
}

/**
 * The PR's current labels through `GET /repos/{o}/{r}/issues/{n}/labels`, or `payloadLabels`
 * when the token may not read them (403/404) or the request fails.
 */
export async function currentLabels(octokit: Octokit, repo: RepoRef, prNumber: number, payloadLabels: readonly string[]): Promise<PullRequestLabels> {
  try {
    const labels = await octokit.paginate(octokit.rest.issues.listLabelsOnIssue, { ...repo, issue_number: prNumber, per_page: 100 })
    return { labels: labels.map((label) => label.name), source: 'api' }
  } catch {
    // A label check must not fail the run: the payload's list is the best remaining answer.
    return { labels: [...payloadLabels], source: 'payload' }
  }
}

/** Whether the PR carries `label` (compared case-insensitively, as GitHub does). */
export async function hasLabel(octokit: Octokit, repo: RepoRef, prNumber: number, label: string, payloadLabels: readonly string[]): Promise<boolean> {
  const wanted = label.trim().toLowerCase()
  if (!wanted) return false
  const { labels } = await currentLabels(octokit, repo, prNumber, payloadLabels)
  return labels.some((name) => name.toLowerCase() === wanted)
}
