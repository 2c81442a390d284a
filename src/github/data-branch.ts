/**
 * Files kept on a data branch of the repository (default `benchgen-data`), written through the
 * REST Git Data API only (refs, commits, trees, blobs), so it works from any job with a token
 * and no checkout.
 *
 * One update is read → change → write:
 * 1. read the branch tip (`GET /git/ref/heads/BRANCH`), its commit and tree, and the files asked for;
 * 2. let the caller compute the new contents from the current ones (a pure function, called
 *    again on every attempt so a retry merges with whatever the other job wrote);
 * 3. write blobs, a tree on top of the tip's tree (other files on the branch are kept) and a
 *    commit, then move the ref *without* force. When another job pushed in between, GitHub
 *    answers 422 "not a fast forward": read again and retry, a bounded number of times, after a
 *    jittered exponential backoff.
 *
 * A branch that does not exist is created with an orphan commit (no parents). History is
 * capped: every commit records its depth (commits since the branch's root) in a trailer of its
 * message, and when the next commit would exceed `maxCommits` a new root commit carrying the
 * current files replaces the history (see `restartHistory` for the one race this leaves).
 */
import { BenchgenError, describeError } from '../errors.js'
import { httpStatus, type Octokit, type RepoRef } from './octokit.js'

/** The branch used when none is given. */
export const DEFAULT_DATA_BRANCH = 'benchgen-data'
/** Commits a data branch may hold before its history restarts from a new root. */
export const DEFAULT_MAX_COMMITS = 100
/** Attempts after the first, when another job pushed first or a request failed transiently. */
export const DEFAULT_RETRIES = 8

/** The trailer recording a commit's depth; the last one in a message counts. */
const DEPTH_TRAILER = 'Benchgen-Data-Depth'

/** The branch tip an update read. */
export interface DataBranchHead {
  commitSha: string
  treeSha: string
  /** Commits from the branch's root to this one, counting both; null when not recorded. */
  depth: number | null
}

/** What an update writes. */
export interface DataBranchChange {
  /** Path → new UTF-8 content. Files not named here are left as they are. */
  files: Record<string, string>
  /** The commit message's subject and body; the depth trailer is appended. */
  message: string
}

/**
 * Computes the change from the current contents of the requested paths (a path whose file does
 * not exist is absent from `files`; `head` is null when the branch does not exist yet). Called
 * once per attempt, so it must be pure; return null to write nothing.
 */
export type DataBranchUpdate = (files: Record<string, string>, head: DataBranchHead | null) => DataBranchChange | null

/** Options of {@link updateDataBranch}. */
export interface UpdateDataBranchOptions {
  repo: RepoRef
  /** Branch name, without `refs/heads/`. Default `benchgen-data`. */
  branch?: string
  /** Files (paths relative to the branch's root) read and handed to `update`. */
  paths: readonly string[]
  update: DataBranchUpdate
  /** Attempts after the first, on a concurrent push or a transient failure (5xx, network). Default 8. */
  retries?: number
  /** Commits the branch may hold before its history restarts from a new root commit. Default 100; at least 2. */
  maxCommits?: number
  /** Backoff before retry n (1-based): min(maxMs, baseMs·2^(n-1)), jittered to 50–100%. Default 1000 ms. */
  backoffBaseMs?: number
  /** Upper bound of one backoff. Default 16000 ms. */
  backoffMaxMs?: number
  /** Waits between attempts. Default: a timer; tests inject one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>
  /** A number in [0, 1) for the jitter. Default Math.random. */
  random?: () => number
  /** Progress notes (retries, a restarted history). Default: none. */
  log?: (message: string) => void
}

/** What {@link updateDataBranch} did. */
export interface DataBranchResult {
  /** The branch tip holding the files: the new commit, or the tip read when nothing changed; null when there is no branch and nothing was written. */
  commitSha: string | null
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number
  /** A commit was written. */
  changed: boolean
  /** The branch was created by this update. */
  created: boolean
  /** The history was restarted: the commit has no parents and the ref was moved with force. */
  squashed: boolean
}

/** A data-branch update that failed for a reason the user must fix, or that gave up retrying. */
export class DataBranchError extends BenchgenError {
  override name = 'DataBranchError'
  /** The HTTP status behind it, when a request failed. */
  readonly status: number | undefined
  /** Whether trying again later may help (a 5xx, a network failure, retries used up). */
  readonly retryable: boolean
  constructor(message: string, init: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: init.cause })
    this.status = init.status
    this.retryable = init.retryable ?? false
  }
}

/** Another job moved the ref between our read and our write: read again. */
class Conflict {
  constructor(readonly reason: string) {}
}

/**
 * Apply `update` to the files of `branch`, retrying on concurrent pushes; see the module comment.
 * Throws a DataBranchError with what to do on 401/403/404 (token or permissions), 409 (empty
 * repository) and when the retries run out.
 */
export async function updateDataBranch(octokit: Octokit, options: UpdateDataBranchOptions): Promise<DataBranchResult> {
  const branch = normalizeBranch(options.branch ?? DEFAULT_DATA_BRANCH)
  const paths = options.paths.map(normalizePath)
  const retries = Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRIES))
  const maxCommits = Math.max(2, Math.floor(options.maxCommits ?? DEFAULT_MAX_COMMITS))
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const random = options.random ?? Math.random
  const base = options.backoffBaseMs ?? 1000
  const max = options.backoffMaxMs ?? 16_000
  const git = new GitApi(octokit, options.repo, branch)

  let last = ''
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) {
      const delay = Math.round(Math.min(max, base * 2 ** (attempt - 2)) * (0.5 + 0.5 * random()))
      options.log?.(`${last}; retrying in ${delay} ms (attempt ${attempt} of ${retries + 1})`)
      await sleep(delay)
    }
    try {
      const outcome = await attemptUpdate(git, paths, options.update, maxCommits, options.log)
      if (!(outcome instanceof Conflict)) return { ...outcome, attempts: attempt }
      last = `${branch} moved while updating it (${outcome.reason})`
    } catch (error) {
      if (!(error instanceof DataBranchError) || !error.retryable) throw error
      last = error.message
    }
  }
  throw new DataBranchError(
    `Gave up updating ${options.repo.owner}/${options.repo.repo}@${branch} after ${retries + 1} attempts: ${last}. Other jobs kept pushing to it, or GitHub kept failing; run the job again, or raise the retries.`,
    { retryable: true }
  )
}

async function attemptUpdate(git: GitApi, paths: string[], update: DataBranchUpdate, maxCommits: number, log?: (message: string) => void): Promise<Omit<DataBranchResult, 'attempts'> | Conflict> {
  const head = await git.readHead()
  const current = head ? await git.readFiles(head.treeSha, paths) : {}
  const change = update(current, head)
  const files = Object.entries(change?.files ?? {})
    .map(([path, content]) => [normalizePath(path), content] as const)
    .filter(([path, content]) => current[path] !== content)
  if (!change || files.length === 0) return { commitSha: head?.commitSha ?? null, changed: false, created: false, squashed: false }

  const treeSha = await git.writeTree(head?.treeSha, files)
  if (!head) {
    const sha = await git.createCommit(withDepth(change.message, 1), treeSha, [])
    const created = await git.createRef(sha)
    return created instanceof Conflict ? created : { commitSha: sha, changed: true, created: true, squashed: false }
  }
  const depth = head.depth ?? (await git.walkDepth(head.commitSha, maxCommits))
  if (depth + 1 <= maxCommits) {
    const sha = await git.createCommit(withDepth(change.message, depth + 1), treeSha, [head.commitSha])
    const moved = await git.updateRef(sha, false)
    return moved instanceof Conflict ? moved : { commitSha: sha, changed: true, created: false, squashed: false }
  }
  const note = `History restarted: ${git.branch} had reached ${depth} commits (the cap is ${maxCommits}); this root commit carries its current files.`
  const sha = await git.createCommit(withDepth(`${change.message}\n\n${note}`, 1), treeSha, [])
  const moved = await restartHistory(git, head.commitSha, sha)
  if (moved instanceof Conflict) return moved
  log?.(note)
  return { commitSha: sha, changed: true, created: false, squashed: true }
}

/**
 * Move the ref to a new root commit. That is not a fast-forward, so it needs force, and a forced
 * update would silently discard a commit another job pushed after our read. So the ref is read
 * again just before, and the update happens only if it still points at the commit we built on.
 *
 * The race that remains: the REST API has no compare-and-swap for a forced ref update (nothing
 * like `git push --force-with-lease`), so a push landing between that re-check and our PATCH (one
 * round trip) is lost. Its job saw success; its entry is missing from the board until that model
 * runs again. This happens at most once per `maxCommits` updates and only inside that window, and
 * a leaderboard tolerates it (the next run restores the row), which the alternative of never
 * capping the branch would not.
 */
async function restartHistory(git: GitApi, readSha: string, rootSha: string): Promise<true | Conflict> {
  const now = await git.readRefSha()
  if (now !== readSha) return new Conflict(`it was at ${readSha.slice(0, 7)} when read and is at ${now?.slice(0, 7) ?? 'nothing'} now`)
  return git.updateRef(rootSha, true)
}

function withDepth(message: string, depth: number): string {
  return `${message.trimEnd()}\n\n${DEPTH_TRAILER}: ${depth}\n`
}

/** The depth recorded in a commit message: its last depth trailer (a subject cannot fake it). */
export function depthFromMessage(message: string): number | null {
  const matches = [...message.matchAll(new RegExp(`^${DEPTH_TRAILER}: (\\d+)\\s*$`, 'gm'))]
  const value = matches.at(-1)?.[1]
  return value === undefined ? null : Number(value)
}

function normalizeBranch(branch: string): string {
  const name = branch.replace(/^refs\/heads\//, '')
  // The rules of git check-ref-format that a typo is likely to break.
  if (!name || /[\s~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|^\.|\/\./.test(name)) {
    throw new DataBranchError(`"${branch}" is not a valid branch name for the data branch (e.g. benchgen-data)`)
  }
  return name
}

function normalizePath(path: string): string {
  const clean = path.replace(/^\.\//, '')
  if (!clean || clean.startsWith('/') || clean.split('/').some((part) => part === '' || part === '.' || part === '..' || part === '.git')) {
    throw new DataBranchError(`"${path}" is not a valid file path on the data branch: use a relative path such as leaderboard.json`)
  }
  return clean
}

/** The Git Data API calls of one update, with GitHub's failures turned into DataBranchErrors. */
class GitApi {
  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    readonly branch: string
  ) {}

  private get where(): string {
    return `${this.repo.owner}/${this.repo.repo}@${this.branch}`
  }

  async readRefSha(): Promise<string | null> {
    try {
      const { data } = await this.octokit.rest.git.getRef({ ...this.repo, ref: `heads/${this.branch}` })
      return data.object.sha
    } catch (error) {
      // 404: no such branch (or a repository the token cannot see; the first write says so).
      if (httpStatus(error) === 404) return null
      throw this.failure(error, 'reading the branch')
    }
  }

  async readHead(): Promise<DataBranchHead | null> {
    const sha = await this.readRefSha()
    if (sha === null) return null
    const commit = await this.call('reading its tip commit', () => this.octokit.rest.git.getCommit({ ...this.repo, commit_sha: sha }))
    return { commitSha: sha, treeSha: commit.tree.sha, depth: depthFromMessage(commit.message) }
  }

  async readFiles(treeSha: string, paths: readonly string[]): Promise<Record<string, string>> {
    if (paths.length === 0) return {}
    const tree = await this.call('reading its files', () => this.octokit.rest.git.getTree({ ...this.repo, tree_sha: treeSha, recursive: 'true' }))
    const files: Record<string, string> = {}
    for (const path of paths) {
      const entry = tree.tree.find((e) => e.path === path)
      if (!entry) {
        if (tree.truncated) throw new DataBranchError(`The tree of ${this.where} is too large to list, so ${path} cannot be found; keep the data branch small (it should hold only benchgen's files).`)
        continue
      }
      if (entry.type !== 'blob' || !entry.sha) throw new DataBranchError(`${path} on ${this.where} is a ${entry.type}, not a file; move it away or choose another path.`)
      const blob = await this.call(`reading ${path}`, () => this.octokit.rest.git.getBlob({ ...this.repo, file_sha: entry.sha! }))
      files[path] = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8')
    }
    return files
  }

  async writeTree(baseTree: string | undefined, files: ReadonlyArray<readonly [string, string]>): Promise<string> {
    const entries: Array<{ path: string; mode: '100644'; type: 'blob'; sha: string }> = []
    for (const [path, content] of files) {
      const blob = await this.call(`writing ${path}`, () => this.octokit.rest.git.createBlob({ ...this.repo, content, encoding: 'utf-8' }))
      entries.push({ path, mode: '100644', type: 'blob', sha: blob.sha })
    }
    const tree = await this.call('writing a tree', () => this.octokit.rest.git.createTree({ ...this.repo, tree: entries, ...(baseTree ? { base_tree: baseTree } : {}) }))
    return tree.sha
  }

  async createCommit(message: string, tree: string, parents: string[]): Promise<string> {
    const commit = await this.call('writing a commit', () => this.octokit.rest.git.createCommit({ ...this.repo, message, tree, parents }))
    return commit.sha
  }

  async createRef(sha: string): Promise<true | Conflict> {
    try {
      await this.octokit.rest.git.createRef({ ...this.repo, ref: `refs/heads/${this.branch}`, sha })
      return true
    } catch (error) {
      // 422 "Reference already exists": another job created the branch first.
      if (httpStatus(error) === 422) return new Conflict(`created by another job: ${messageOf(error)}`)
      throw this.failure(error, 'creating the branch')
    }
  }

  async updateRef(sha: string, force: boolean): Promise<true | Conflict> {
    try {
      await this.octokit.rest.git.updateRef({ ...this.repo, ref: `heads/${this.branch}`, sha, force })
      return true
    } catch (error) {
      // 422 "Update is not a fast forward"; GitHub answers 409 when ref updates collide.
      const status = httpStatus(error)
      if (status === 422 || status === 409) return new Conflict(messageOf(error))
      throw this.failure(error, 'moving the branch')
    }
  }

  /**
   * Depth of a commit without a recorded depth (pushed by something else): follow first parents
   * until a root or a recorded depth, at most `bound` steps; anything deeper counts as `bound`.
   */
  async walkDepth(sha: string, bound: number): Promise<number> {
    let current = sha
    for (let steps = 0; steps < bound; steps++) {
      const commit = await this.call('counting its commits', () => this.octokit.rest.git.getCommit({ ...this.repo, commit_sha: current }))
      const recorded = depthFromMessage(commit.message)
      if (recorded !== null && steps > 0) return recorded + steps
      const parent = commit.parents[0]?.sha
      if (!parent) return steps + 1
      current = parent
    }
    return bound
  }

  private async call<T>(what: string, request: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await request()).data
    } catch (error) {
      throw this.failure(error, what)
    }
  }

  /** A failed request as a DataBranchError that says what to do. */
  private failure(error: unknown, what: string): DataBranchError {
    const status = httpStatus(error)
    const detail = `${status === undefined ? '' : `HTTP ${status}: `}${messageOf(error)}`
    const doing = `while ${what} of ${this.where}`
    if (status === 401) return new DataBranchError(`GitHub rejected the token ${doing} (${detail}). Pass a valid token (github-token input, default the job's GITHUB_TOKEN).`, { status, cause: error })
    if (status === 403 || status === 404) {
      return new DataBranchError(
        `The token may not write to ${this.repo.owner}/${this.repo.repo} (${detail}) ${doing}. Give the job \`permissions: contents: write\` (or use a token that can push), and note that pull requests from forks get a read-only token: update the leaderboard on pushes instead.`,
        { status, cause: error }
      )
    }
    if (status === 409) return new DataBranchError(`GitHub refused ${what} of ${this.where} (${detail}). The Git Data API cannot write to an empty repository: push a first commit to it.`, { status, cause: error })
    // Octokit reports network failures as status 500, so a missing status is not GitHub's answer but a bug.
    const retryable = status !== undefined && (status >= 500 || status === 429)
    return new DataBranchError(`Failed ${doing} (${detail})`, { ...(status === undefined ? {} : { status }), retryable, cause: error })
  }
}

function messageOf(error: unknown): string {
  const response = (error as { response?: { data?: { message?: unknown } } } | null)?.response
  const message = response?.data?.message
  return typeof message === 'string' ? message : describeError(error).split('\n')[0]!.slice(0, 300)
}
