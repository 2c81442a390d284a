/**
 * The one reader of the runner's `GITHUB_*` variables and event payload. Everything else in
 * `src/github/` takes the values it needs as arguments, so it runs the same under a test, under
 * `@github/local-action` and on a runner.
 *
 * `readGitHubContext` touches the environment and the file system; `parseGitHubContext` is the
 * pure part (variables and payload in, context out) that tests drive directly.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { BenchgenError, ValidationError } from '../errors.js'
import type { RepoRef } from './octokit.js'

/** The pull request an event is about (pull_request and pull_request_target events). */
export interface PullRequestContext {
  number: number
  /** The PR's head commit; not GITHUB_SHA, which is the test merge commit on `pull_request`. */
  headSha: string
  /** Branch name of the head, e.g. `feature/x`. */
  headRef: string
  /** `owner/repo` of the head; a fork's full name for PRs from forks. Empty when the fork was deleted. */
  headRepo: string
  /** Branch the PR merges into, e.g. `main`. */
  baseRef: string
  /** Tip of the base branch when the event fired. */
  baseSha: string
  /** Label names as of the event; see labels.ts for a fresh list. */
  labels: string[]
  /** The head lives in another repository: the token is read-only and secrets are absent. */
  isFork: boolean
}

/** The run that triggered a `workflow_run` event (phase 2 of the fork-safe comment). */
export interface WorkflowRunContext {
  id: number
  /** Head commit of the triggering run: the PR's head for a pull_request run. */
  headSha: string
  headBranch: string
  /** `owner/repo` of the head; a fork's full name when the triggering run was a fork's PR. */
  headRepo: string
  /** Event of the triggering run, e.g. `pull_request`. */
  event: string
  /** `success`, `failure`, … or null while it runs. */
  conclusion: string | null
}

/** What the action knows about the workflow run it is part of. */
export interface GitHubRunContext {
  /** GITHUB_EVENT_NAME, e.g. `pull_request`, `push`, `workflow_run`. */
  event: string
  repo: RepoRef
  /** GITHUB_SHA: the commit checked out (the merge commit on `pull_request`). */
  sha: string
  /** GITHUB_REF, e.g. `refs/heads/main` or `refs/pull/12/merge`. */
  ref: string
  /** GITHUB_WORKFLOW: the workflow's name (or its file path when it has no name). */
  workflow: string
  /** GITHUB_WORKFLOW_REF, e.g. `octo/repo/.github/workflows/eval.yml@refs/heads/main`; empty when unset. */
  workflowRef: string
  runId: number
  runAttempt: number
  /** Link to this workflow run's page. */
  runUrl: string
  /** GITHUB_SERVER_URL, default `https://github.com`. */
  serverUrl: string
  /** GITHUB_API_URL, default `https://api.github.com`. */
  apiUrl: string
  /** GITHUB_ACTOR; empty when unset. */
  actor: string
  pullRequest?: PullRequestContext
  workflowRun?: WorkflowRunContext
  /** The repository's default branch, from the payload; absent for events without `repository`. */
  defaultBranch?: string
  /** A push to the default branch: the event that stores baselines. */
  isDefaultBranchPush: boolean
  /** The parsed event payload, for anything not mapped above. `{}` without an event file. */
  payload: Record<string, unknown>
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'])

const RepoPayload = z.object({ full_name: z.string(), fork: z.boolean().optional() })

const PullRequestPayload = z.object({
  number: z.number().int(),
  head: z.object({ sha: z.string(), ref: z.string(), repo: RepoPayload.nullable().optional() }),
  base: z.object({ sha: z.string(), ref: z.string(), repo: RepoPayload }),
  labels: z.array(z.object({ name: z.string() })).default([])
})

const WorkflowRunPayload = z.object({
  id: z.number().int(),
  head_sha: z.string(),
  head_branch: z.string().nullable().optional(),
  event: z.string(),
  conclusion: z.string().nullable().optional(),
  head_repository: z.object({ full_name: z.string() }).nullable().optional()
})

const EventPayload = z.object({
  repository: z.object({ default_branch: z.string().optional() }).optional(),
  pull_request: PullRequestPayload.optional(),
  workflow_run: WorkflowRunPayload.optional()
})

/**
 * Read the run's context from `env` (default `process.env`) and the event payload file it
 * names. Throws a BenchgenError when GITHUB_REPOSITORY is missing (not running in Actions) and a
 * ValidationError naming the file when the payload is not the JSON it should be.
 */
export function readGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubRunContext {
  const path = env.GITHUB_EVENT_PATH
  let payload: unknown = {}
  if (path) {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (cause) {
      throw new BenchgenError(`Cannot read the event payload GITHUB_EVENT_PATH=${path}: ${(cause as Error).message}`, { cause })
    }
    try {
      payload = JSON.parse(text)
    } catch (cause) {
      throw new ValidationError([{ file: path, message: 'is not valid JSON', hint: 'GITHUB_EVENT_PATH must name the event payload file the runner writes' }], undefined, { cause })
    }
  }
  return parseGitHubContext(env, payload, path)
}

/** The pure part of {@link readGitHubContext}: variables and an already parsed payload. */
export function parseGitHubContext(env: NodeJS.ProcessEnv, payload: unknown, payloadFile = 'event payload'): GitHubRunContext {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const [owner, repo, ...rest] = repository.split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new BenchgenError(
      `GITHUB_REPOSITORY is ${repository ? `"${repository}"` : 'not set'}; expected OWNER/REPO. The GitHub features run inside GitHub Actions (or @github/local-action, which sets it).`
    )
  }
  const raw = isRecord(payload) ? payload : {}
  const parsed = EventPayload.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ValidationError([{ file: payloadFile, field: issue?.path.join('.'), message: issue?.message ?? 'is not an event payload' }], 'The event payload does not have the expected shape:')
  }
  const event = env.GITHUB_EVENT_NAME ?? ''
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  const runId = toInt(env.GITHUB_RUN_ID)
  const ref = env.GITHUB_REF ?? ''
  const defaultBranch = parsed.data.repository?.default_branch
  const pr = PULL_REQUEST_EVENTS.has(event) ? parsed.data.pull_request : undefined
  const run = event === 'workflow_run' ? parsed.data.workflow_run : undefined
  return {
    event,
    repo: { owner, repo },
    sha: env.GITHUB_SHA ?? '',
    ref,
    workflow: env.GITHUB_WORKFLOW ?? '',
    workflowRef: env.GITHUB_WORKFLOW_REF ?? '',
    runId,
    runAttempt: toInt(env.GITHUB_RUN_ATTEMPT) || 1,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
    serverUrl,
    apiUrl,
    actor: env.GITHUB_ACTOR ?? '',
    ...(pr ? { pullRequest: toPullRequest(pr) } : {}),
    ...(run ? { workflowRun: toWorkflowRun(run) } : {}),
    ...(defaultBranch ? { defaultBranch } : {}),
    isDefaultBranchPush: event === 'push' && defaultBranch !== undefined && ref === `refs/heads/${defaultBranch}`,
    payload: raw
  }
}

function toPullRequest(pr: z.infer<typeof PullRequestPayload>): PullRequestContext {
  const headRepo = pr.head.repo?.full_name ?? ''
  return {
    number: pr.number,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    headRepo,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    labels: pr.labels.map((label) => label.name),
    // A deleted fork leaves head.repo null: still not this repository.
    isFork: headRepo.toLowerCase() !== pr.base.repo.full_name.toLowerCase()
  }
}

function toWorkflowRun(run: z.infer<typeof WorkflowRunPayload>): WorkflowRunContext {
  return {
    id: run.id,
    headSha: run.head_sha,
    headBranch: run.head_branch ?? '',
    headRepo: run.head_repository?.full_name ?? '',
    event: run.event,
    conclusion: run.conclusion ?? null
  }
}

function toInt(value: string | undefined): number {
  const n = Number(value)
  return Number.isSafeInteger(n) && n > 0 ? n : 0
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
