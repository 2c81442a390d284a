/**
 * A local stand-in for the GitHub REST API: a real HTTP server on 127.0.0.1 implementing the
 * endpoints the action uses, over in-memory state that tests seed and inspect. Used by the unit
 * tests of src/github/ (through @octokit/rest) and by the end-to-end tests of the bundled action,
 * which run in another process with GITHUB_API_URL pointing here.
 *
 * Behaviour copied from GitHub where the action depends on it: Link-header pagination with
 * `per_page` (max 100) and `page`; 403 "Resource not accessible by integration" for a token
 * without permission (switch `forbid` per endpoint family); the artifact zip endpoint answering
 * 302 to a second URL that serves the bytes; 422 for bodies over GitHub's limits; a commit graph
 * behind the compare endpoint (merge base, ahead/behind counts); the Git Data API (refs, commits,
 * trees, blobs) over the same branches and commit graph, with GitHub's fast-forward check on ref
 * updates (422 "Update is not a fast forward" unless `force`).
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import yazl from 'yazl'

export interface ServerUser {
  login: string
  type: 'User' | 'Bot'
}

export interface ServerComment {
  id: number
  body: string
  user: ServerUser
  created_at: string
  updated_at: string
  /** False: PATCH answers 403 (a comment the token may not edit). Default editable. */
  editable?: boolean
}

export interface ServerAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: string
  message: string
  title?: string
  raw_details?: string
}

export interface ServerCheckRun {
  id: number
  head_sha: string
  name: string
  status: string
  conclusion: string | null
  details_url?: string
  output: { title: string; summary: string; text?: string; annotations: ServerAnnotation[] }
}

export interface ServerStatus {
  sha: string
  state: string
  context: string
  description?: string
  target_url?: string
}

export interface ServerPull {
  number: number
  /** The commit a merged pull request became on its base branch. */
  merge_commit_sha?: string
  state?: 'open' | 'closed'
  head: { sha: string; ref: string; repo: { full_name: string } | null }
  base: { sha: string; ref: string; repo?: { full_name: string } }
  labels?: string[]
}

export interface ServerRun {
  id: number
  name: string
  /** Workflow file, e.g. `.github/workflows/eval.yml`. */
  path?: string
  workflow_id?: number
  event: string
  status?: string
  conclusion: string | null
  head_branch: string
  head_sha: string
  created_at: string
  /** `owner/repo` of the head; default this repository (a fork's name for fork PR runs). */
  head_repository?: string
}

export interface ServerArtifact {
  id: number
  name: string
  run_id: number
  /** The zip served by the download URL. */
  zip: Buffer
  expired?: boolean
  created_at?: string
  /** Answer the zip download with this status instead (e.g. 410: expired after being listed). */
  downloadStatus?: number
}

/** Endpoint families that `forbid` can refuse. */
export type Family = 'comments' | 'checks' | 'statuses' | 'labels' | 'pulls' | 'compare' | 'actions' | 'git'

/** A commit object of the Git Data API. Its parents are also in `state.commits`, for compare. */
export interface ServerGitCommit {
  tree: string
  message: string
  parents: string[]
}

/**
 * The objects behind the Git Data API. Trees are stored flat (full path → blob), which is all
 * the data-branch code needs; listing a tree derives the directory entries.
 */
export interface ServerGitObjects {
  /** sha → content, base64. */
  blobs: Record<string, string>
  /** sha → full path → blob entry. */
  trees: Record<string, Record<string, { mode: string; sha: string }>>
  commits: Record<string, ServerGitCommit>
}

export interface GitHubApiState {
  owner: string
  repo: string
  repoId: number
  /** When set, every API request must carry `Authorization: token <it>` (or Bearer). */
  token?: string
  /** Login and type of the token's user: the author of created comments. */
  actor: ServerUser
  /** The commit graph behind compare: sha → parent shas. */
  commits: Record<string, string[]>
  /** Branch name → tip sha, resolvable in compare. */
  branches: Record<string, string>
  /** Issue/PR number → its comments, oldest first. */
  comments: Record<number, ServerComment[]>
  checkRuns: ServerCheckRun[]
  statuses: ServerStatus[]
  pulls: Record<number, ServerPull>
  /** Issue/PR number → label names; falls back to the pull's `labels`. */
  labels: Record<number, string[]>
  runs: ServerRun[]
  artifacts: ServerArtifact[]
  /** Per family: refuse writes (a fork's read-only token) or everything. */
  forbid: Partial<Record<Family, 'writes' | 'all'>>
  /** Next id handed out to a created object. */
  nextId: number
  /** Git objects (refs are `branches`). */
  git: ServerGitObjects
  /**
   * Called with the branch name when a `PATCH /git/refs/heads/NAME` arrives, before the update is
   * checked and applied: a test can move the branch here (see `server.git.commit`) to play another
   * job that pushed between the client's read and its write.
   */
  beforeRefUpdate?: (branch: string) => void
  /**
   * Called with every API request's method and path (as logged) before it is routed, to change
   * state at a precise point of a client's sequence of requests.
   */
  beforeRequest?: (request: { method: string; path: string }) => void
}

export interface LoggedRequest {
  method: string
  /** Path without the query and without a GHES `/api/v3` prefix. */
  path: string
  query: Record<string, string>
  status: number
  /** Parsed JSON body of writes. */
  body?: unknown
  authorization?: string
  /** No route matched: the client asked for an endpoint this server does not implement. */
  unhandled?: boolean
}

export interface GitHubApiServer {
  /** Base URL, e.g. `http://127.0.0.1:43123`: pass it as GITHUB_API_URL. */
  url: string
  state: GitHubApiState
  requests: LoggedRequest[]
  /** Direct access to the Git Data API's state, for seeding and asserting. */
  git: GitHelpers
  close(): Promise<void>
}

/** Test-side helpers over the server's git objects. */
export interface GitHelpers {
  /**
   * Commit `files` (path → UTF-8 content) on top of `branch`'s tip (or as a root commit, creating
   * the branch, when it does not exist; or with `parents: []` to force a root) and move the branch,
   * like another job's push. Returns the commit's sha.
   */
  commit(branch: string, files: Record<string, string>, message?: string, options?: { parents?: string[] }): string
  /** A file's content at a branch's tip or a commit; undefined when absent. */
  readFile(refOrSha: string, path: string): string | undefined
  /** The first-parent chain from a branch's tip, newest first. */
  log(branch: string): Array<{ sha: string } & ServerGitCommit>
}

/** A deterministic 40-hex sha for a label, e.g. `fakeSha('main-3')`. */
export function fakeSha(label: string): string {
  return createHash('sha1').update(label).digest('hex')
}

/**
 * A linear history `count` commits long (`fakeSha(`${name}-${i}`)`, i from 1), appended to
 * `state.commits` after `parent`, with `state.branches[name]` at its tip. Returns the shas, oldest first.
 */
export function addHistory(state: GitHubApiState, name: string, count: number, parent?: string): string[] {
  const shas: string[] = []
  let previous = parent
  for (let i = 1; i <= count; i++) {
    const sha = fakeSha(`${name}-${i}`)
    state.commits[sha] = previous ? [previous] : []
    shas.push(sha)
    previous = sha
  }
  if (previous) state.branches[name] = previous
  return shas
}

/** A zip of `files` (path → content), as an artifact download serves. */
export function zipFiles(files: Record<string, string | Buffer>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile()
    for (const [path, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), path, { mtime: new Date(0) })
    zip.end()
    const chunks: Buffer[] = []
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk))
    zip.outputStream.on('error', reject)
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
  })
}

const FORBIDDEN = { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' }
const BLOB_PREFIX = '/_blobs/artifacts/'

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** Start the server on a free port of 127.0.0.1. */
export async function startGitHubApiServer(seed: Partial<GitHubApiState> = {}): Promise<GitHubApiServer> {
  const state: GitHubApiState = {
    owner: 'octo',
    repo: 'demo',
    repoId: 1000,
    actor: { login: 'github-actions[bot]', type: 'Bot' },
    commits: {},
    branches: {},
    comments: {},
    checkRuns: [],
    statuses: [],
    pulls: {},
    labels: {},
    runs: [],
    artifacts: [],
    forbid: {},
    nextId: 1,
    git: { blobs: {}, trees: {}, commits: {} },
    ...seed
  }
  const requests: LoggedRequest[] = []
  let baseUrl = ''

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(error) })
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl)
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '')
    const query = Object.fromEntries(url.searchParams)
    const method = req.method ?? 'GET'
    const raw = await readBody(req)
    const entry: LoggedRequest = { method, path, query, status: 0, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) }
    requests.push(entry)
    let body: unknown
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'))
        entry.body = body
      } catch {
        entry.status = 400
        send(res, 400, { message: 'Problems parsing JSON' })
        return
      }
    }
    try {
      if (path.startsWith(BLOB_PREFIX)) {
        // The storage URL: signed, so it needs (and should get) no Authorization header.
        const id = Number(path.slice(BLOB_PREFIX.length).replace(/\.zip$/, ''))
        const artifact = state.artifacts.find((a) => a.id === id)
        if (!artifact) throw new HttpError(404, 'Not Found')
        entry.status = 200
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': artifact.zip.length })
        res.end(artifact.zip)
        return
      }
      if (state.token && req.headers.authorization !== `token ${state.token}` && req.headers.authorization !== `Bearer ${state.token}`) {
        throw new HttpError(401, 'Bad credentials')
      }
      state.beforeRequest?.({ method, path })
      const result = route(method, path, url.searchParams, body, entry)
      entry.status = result.status
      send(res, result.status, result.body, result.headers)
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500
      entry.status = status
      send(res, status, status === 403 ? FORBIDDEN : { message: (error as Error).message })
    }
  }

  interface Reply {
    status: number
    body?: unknown
    headers?: Record<string, string>
  }

  function route(method: string, path: string, params: URLSearchParams, body: unknown, entry: LoggedRequest): Reply {
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path)
    if (!match) return unhandled(entry)
    const [, owner, repo, rest] = match as unknown as [string, string, string, string]
    if (owner.toLowerCase() !== state.owner.toLowerCase() || repo.toLowerCase() !== state.repo.toLowerCase()) throw new HttpError(404, 'Not Found')
    const is = (m: string, pattern: RegExp): RegExpExecArray | null => (method === m ? pattern.exec(rest) : null)
    let m: RegExpExecArray | null

    if ((m = is('GET', /^\/issues\/(\d+)\/comments$/))) {
      guard('comments', method)
      return page(path, params, (state.comments[Number(m[1])] ?? []).map((c) => commentJson(Number(m![1]), c)))
    }
    if ((m = is('POST', /^\/issues\/(\d+)\/comments$/))) {
      guard('comments', method)
      const text = field(body, 'body')
      if (text.length > 65_536) throw new HttpError(422, 'Body is too long (maximum is 65536 characters)')
      const now = new Date().toISOString()
      const comment: ServerComment = { id: state.nextId++, body: text, user: { ...state.actor }, created_at: now, updated_at: now }
      ;(state.comments[Number(m[1])] ??= []).push(comment)
      return { status: 201, body: commentJson(Number(m[1]), comment) }
    }
    if ((m = is('PATCH', /^\/issues\/comments\/(\d+)$/))) {
      guard('comments', method)
      const id = Number(m[1])
      for (const [issue, list] of Object.entries(state.comments)) {
        const comment = list.find((c) => c.id === id)
        if (!comment) continue
        if (comment.editable === false) throw new HttpError(403, 'forbidden')
        const text = field(body, 'body')
        if (text.length > 65_536) throw new HttpError(422, 'Body is too long (maximum is 65536 characters)')
        comment.body = text
        comment.updated_at = new Date().toISOString()
        return { status: 200, body: commentJson(Number(issue), comment) }
      }
      throw new HttpError(404, 'Not Found')
    }
    if ((m = is('POST', /^\/check-runs$/))) {
      guard('checks', method)
      const input = body as Record<string, unknown>
      const output = (input.output ?? {}) as Record<string, unknown>
      const annotations = checkOutput(output)
      const run: ServerCheckRun = {
        id: state.nextId++,
        head_sha: String(input.head_sha),
        name: String(input.name),
        status: String(input.status ?? 'queued'),
        conclusion: typeof input.conclusion === 'string' ? input.conclusion : null,
        ...(typeof input.details_url === 'string' ? { details_url: input.details_url } : {}),
        output: { title: String(output.title ?? ''), summary: String(output.summary ?? ''), ...(typeof output.text === 'string' ? { text: output.text } : {}), annotations }
      }
      state.checkRuns.push(run)
      return { status: 201, body: checkRunJson(run) }
    }
    if ((m = is('PATCH', /^\/check-runs\/(\d+)$/))) {
      guard('checks', method)
      const run = state.checkRuns.find((r) => r.id === Number(m![1]))
      if (!run) throw new HttpError(404, 'Not Found')
      const input = body as Record<string, unknown>
      if (input.output) {
        const output = input.output as Record<string, unknown>
        const annotations = checkOutput(output)
        run.output = { ...run.output, title: String(output.title), summary: String(output.summary), annotations: [...run.output.annotations, ...annotations] }
        if (typeof output.text === 'string') run.output.text = output.text
      }
      if (typeof input.conclusion === 'string') run.conclusion = input.conclusion
      if (typeof input.status === 'string') run.status = input.status
      return { status: 200, body: checkRunJson(run) }
    }
    if ((m = is('POST', /^\/statuses\/([0-9a-f]+)$/))) {
      guard('statuses', method)
      const input = body as Record<string, unknown>
      if (!['error', 'failure', 'pending', 'success'].includes(String(input.state))) throw new HttpError(422, 'Validation Failed: state')
      const description = typeof input.description === 'string' ? input.description : undefined
      if (description && description.length > 140) throw new HttpError(422, 'Validation Failed: description is too long (maximum is 140 characters)')
      const status: ServerStatus = {
        sha: m[1]!,
        state: String(input.state),
        context: String(input.context ?? 'default'),
        ...(description !== undefined ? { description } : {}),
        ...(typeof input.target_url === 'string' ? { target_url: input.target_url } : {})
      }
      state.statuses.push(status)
      return { status: 201, body: { id: state.nextId++, ...status } }
    }
    if ((m = is('GET', /^\/compare\/(.+)$/))) {
      guard('compare', method)
      return { status: 200, body: compareJson(decodeURIComponent(m[1]!)) }
    }
    if ((m = is('GET', /^\/commits\/([0-9a-f]+)\/pulls$/))) {
      // Pull requests associated with a commit: those whose head or merge commit it is.
      guard('pulls', method)
      const sha = m[1]
      return page(path, params, Object.values(state.pulls).filter((pull) => pull.head.sha === sha || pull.merge_commit_sha === sha).map(pullJson))
    }
    if ((m = is('GET', /^\/pulls\/(\d+)$/))) {
      guard('pulls', method)
      const pull = state.pulls[Number(m[1])]
      if (!pull) throw new HttpError(404, 'Not Found')
      return { status: 200, body: pullJson(pull) }
    }
    if ((m = is('GET', /^\/issues\/(\d+)\/labels$/))) {
      guard('labels', method)
      const n = Number(m[1])
      const names = state.labels[n] ?? state.pulls[n]?.labels
      if (!names) throw new HttpError(404, 'Not Found')
      return page(path, params, names.map(labelJson))
    }
    if ((m = is('GET', /^\/actions\/runs$/)) || (m = is('GET', /^\/actions\/workflows\/([^/]+)\/runs$/))) {
      guard('actions', method)
      const workflow = m[1]
      const runs = newestFirst(state.runs).filter(
        (run) =>
          (!workflow || String(run.workflow_id) === workflow || (run.path ?? '').endsWith(`/${workflow}`)) &&
          (!params.get('branch') || run.head_branch === params.get('branch')) &&
          (!params.get('event') || run.event === params.get('event')) &&
          (!params.get('head_sha') || run.head_sha === params.get('head_sha')) &&
          (!params.get('status') || run.conclusion === params.get('status') || (run.status ?? 'completed') === params.get('status'))
      )
      return page(path, params, runs.map(runJson), 'workflow_runs')
    }
    if ((m = is('GET', /^\/actions\/runs\/(\d+)$/))) {
      guard('actions', method)
      const run = state.runs.find((r) => r.id === Number(m![1]))
      if (!run) throw new HttpError(404, 'Not Found')
      return { status: 200, body: runJson(run) }
    }
    if ((m = is('GET', /^\/actions\/runs\/(\d+)\/artifacts$/))) {
      guard('actions', method)
      const runId = Number(m[1])
      if (!state.runs.some((r) => r.id === runId)) throw new HttpError(404, 'Not Found')
      const list = newestFirst(state.artifacts.filter((a) => a.run_id === runId && (!params.get('name') || a.name === params.get('name'))))
      return page(path, params, list.map(artifactJson), 'artifacts')
    }
    if ((m = is('GET', /^\/actions\/artifacts$/))) {
      guard('actions', method)
      const list = newestFirst(state.artifacts.filter((a) => !params.get('name') || a.name === params.get('name')))
      return page(path, params, list.map(artifactJson), 'artifacts')
    }
    if ((m = is('GET', /^\/actions\/artifacts\/(\d+)\/zip$/))) {
      guard('actions', method)
      const artifact = state.artifacts.find((a) => a.id === Number(m![1]))
      if (!artifact) throw new HttpError(404, 'Not Found')
      if (artifact.expired || artifact.downloadStatus === 410) throw new HttpError(410, 'Artifact has expired')
      if (artifact.downloadStatus) throw new HttpError(artifact.downloadStatus, 'Artifact download failed')
      return { status: 302, headers: { location: `${baseUrl}${BLOB_PREFIX}${artifact.id}.zip` } }
    }
    if (rest.startsWith('/git/')) return gitRoute(method, rest, params, body) ?? unhandled(entry)
    return unhandled(entry)
  }

  /* ---------- Git Data API ---------- */

  function gitRoute(method: string, rest: string, params: URLSearchParams, body: unknown): Reply | null {
    const is = (m: string, pattern: RegExp): RegExpExecArray | null => (method === m ? pattern.exec(rest) : null)
    let m: RegExpExecArray | null
    if ((m = is('GET', /^\/git\/ref\/(.+)$/))) {
      guard('git', method)
      const ref = decodeURIComponent(m[1]!)
      const branch = ref.startsWith('heads/') ? ref.slice('heads/'.length) : null
      const sha = branch === null ? undefined : state.branches[branch]
      if (!sha) throw new HttpError(404, 'Not Found')
      return { status: 200, body: refJson(`refs/${ref}`, sha) }
    }
    if (is('POST', /^\/git\/refs$/)) {
      guard('git', method)
      const ref = field(body, 'ref')
      const sha = field(body, 'sha')
      if (!/^refs\/heads\/.+/.test(ref)) throw new HttpError(422, 'Reference name must start with refs/heads/ (the test server creates branches only)')
      if (!state.git.commits[sha] && !state.commits[sha]) throw new HttpError(422, 'Object does not exist')
      const branch = ref.slice('refs/heads/'.length)
      if (state.branches[branch]) throw new HttpError(422, 'Reference already exists')
      state.branches[branch] = sha
      return { status: 201, body: refJson(ref, sha) }
    }
    if ((m = is('PATCH', /^\/git\/refs\/(.+)$/))) {
      guard('git', method)
      const ref = decodeURIComponent(m[1]!).replace(/^refs\//, '')
      if (!ref.startsWith('heads/')) throw new HttpError(422, 'Reference does not exist')
      const branch = ref.slice('heads/'.length)
      state.beforeRefUpdate?.(branch)
      const sha = field(body, 'sha')
      const force = (body as { force?: unknown }).force === true
      const current = state.branches[branch]
      if (!current) throw new HttpError(422, 'Reference does not exist')
      if (!state.git.commits[sha] && !state.commits[sha]) throw new HttpError(422, 'Object does not exist')
      if (!force && !ancestors(sha).includes(current)) throw new HttpError(422, 'Update is not a fast forward')
      state.branches[branch] = sha
      return { status: 200, body: refJson(`refs/${ref}`, sha) }
    }
    if ((m = is('GET', /^\/git\/commits\/([0-9a-f]{40})$/))) {
      guard('git', method)
      const commit = state.git.commits[m[1]!]
      if (!commit) throw new HttpError(404, 'Not Found')
      return { status: 200, body: gitCommitJson(m[1]!, commit) }
    }
    if (is('POST', /^\/git\/commits$/)) {
      guard('git', method)
      const message = field(body, 'message')
      const tree = field(body, 'tree')
      const parents = (body as { parents?: unknown }).parents ?? []
      if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) throw new HttpError(422, 'Invalid request: "parents" must be an array of shas')
      if (!state.git.trees[tree]) throw new HttpError(422, 'Tree SHA does not exist')
      for (const parent of parents as string[]) if (!state.git.commits[parent] && !state.commits[parent]) throw new HttpError(422, 'Parent SHA does not exist or is not a commit object')
      const sha = storeCommit({ tree, message, parents: parents as string[] })
      return { status: 201, body: gitCommitJson(sha, state.git.commits[sha]!) }
    }
    if ((m = is('GET', /^\/git\/trees\/([0-9a-f]{40})$/))) {
      guard('git', method)
      const tree = state.git.trees[m[1]!]
      if (!tree) throw new HttpError(404, 'Not Found')
      const recursive = params.has('recursive') && params.get('recursive') !== '0' && params.get('recursive') !== 'false'
      return { status: 200, body: { sha: m[1], url: `${baseUrl}/repos/${fullName()}/git/trees/${m[1]}`, tree: treeEntries(tree, recursive), truncated: false } }
    }
    if (is('POST', /^\/git\/trees$/)) {
      guard('git', method)
      const input = body as { base_tree?: unknown; tree?: unknown }
      if (!Array.isArray(input.tree)) throw new HttpError(422, 'Invalid request: "tree" is required')
      let files: Record<string, { mode: string; sha: string }> = {}
      if (input.base_tree !== undefined) {
        const base = state.git.trees[String(input.base_tree)]
        if (!base) throw new HttpError(422, 'base_tree is not a valid tree oid')
        files = { ...base }
      }
      for (const raw of input.tree as Array<Record<string, unknown>>) {
        const path = String(raw.path ?? '')
        if (!path || path.startsWith('/') || path.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new HttpError(422, `Invalid tree path: ${path}`)
        if (raw.type !== undefined && raw.type !== 'blob') throw new HttpError(422, 'The test server stores blob entries only')
        if (raw.sha === null) {
          delete files[path]
          continue
        }
        const sha = typeof raw.content === 'string' ? storeBlob(Buffer.from(raw.content, 'utf8')) : String(raw.sha ?? '')
        if (!state.git.blobs[sha]) throw new HttpError(422, `Blob ${sha} does not exist`)
        files[path] = { mode: String(raw.mode ?? '100644'), sha }
      }
      const sha = storeTree(files)
      return { status: 201, body: { sha, url: `${baseUrl}/repos/${fullName()}/git/trees/${sha}`, tree: treeEntries(files, false), truncated: false } }
    }
    if ((m = is('GET', /^\/git\/blobs\/([0-9a-f]{40})$/))) {
      guard('git', method)
      const content = state.git.blobs[m[1]!]
      if (content === undefined) throw new HttpError(404, 'Not Found')
      // GitHub wraps base64 at 60 characters; clients must cope with the newlines.
      const wrapped = content.replace(/.{60}/g, '$&\n')
      return { status: 200, body: { sha: m[1], node_id: `B_${m[1]}`, size: Buffer.from(content, 'base64').length, url: `${baseUrl}/repos/${fullName()}/git/blobs/${m[1]}`, content: wrapped, encoding: 'base64' } }
    }
    if (is('POST', /^\/git\/blobs$/)) {
      guard('git', method)
      const content = field(body, 'content')
      const encoding = (body as { encoding?: unknown }).encoding ?? 'utf-8'
      if (encoding !== 'utf-8' && encoding !== 'base64') throw new HttpError(422, 'encoding must be utf-8 or base64')
      const sha = storeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'))
      return { status: 201, body: { sha, url: `${baseUrl}/repos/${fullName()}/git/blobs/${sha}` } }
    }
    return null
  }

  /** Git's own blob id: sha1 of `blob <size>\0<content>`. */
  function storeBlob(content: Buffer): string {
    const sha = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex')
    state.git.blobs[sha] = content.toString('base64')
    return sha
  }

  function storeTree(files: Record<string, { mode: string; sha: string }>): string {
    const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    const sha = createHash('sha1').update(`tree ${JSON.stringify(sorted)}`).digest('hex')
    state.git.trees[sha] = sorted
    return sha
  }

  /** Like git, a commit's id covers a timestamp; here a counter, so equal commits still differ. */
  function storeCommit(commit: ServerGitCommit): string {
    const sha = createHash('sha1').update(`commit ${JSON.stringify(commit)} ${state.nextId++}`).digest('hex')
    state.git.commits[sha] = commit
    state.commits[sha] = [...commit.parents]
    return sha
  }

  function treeEntries(files: Record<string, { mode: string; sha: string }>, recursive: boolean): unknown[] {
    const entries: unknown[] = []
    const dirs = new Set<string>()
    for (const [path, file] of Object.entries(files)) {
      const parts = path.split('/')
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
      if (recursive || parts.length === 1) entries.push({ path, mode: file.mode, type: 'blob', sha: file.sha, size: Buffer.from(state.git.blobs[file.sha] ?? '', 'base64').length })
    }
    for (const dir of dirs) {
      if (recursive || !dir.includes('/')) entries.push({ path: dir, mode: '040000', type: 'tree', sha: createHash('sha1').update(`dir ${dir}`).digest('hex') })
    }
    return entries.sort((a, b) => ((a as { path: string }).path < (b as { path: string }).path ? -1 : 1))
  }

  function refJson(ref: string, sha: string): unknown {
    return { ref, node_id: `REF_${ref}`, url: `${baseUrl}/repos/${fullName()}/git/${ref}`, object: { sha, type: 'commit', url: `${baseUrl}/repos/${fullName()}/git/commits/${sha}` } }
  }

  function gitCommitJson(sha: string, commit: ServerGitCommit): unknown {
    const who = { name: state.actor.login, email: `${state.actor.login}@users.noreply.github.com`, date: new Date(0).toISOString() }
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${baseUrl}/repos/${fullName()}/git/commits/${sha}`,
      html_url: `${web()}/${fullName()}/commit/${sha}`,
      author: who,
      committer: who,
      message: commit.message,
      tree: { sha: commit.tree, url: `${baseUrl}/repos/${fullName()}/git/trees/${commit.tree}` },
      parents: commit.parents.map((p) => ({ sha: p, url: `${baseUrl}/repos/${fullName()}/git/commits/${p}`, html_url: `${web()}/${fullName()}/commit/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null }
    }
  }

  const git: GitHelpers = {
    commit(branch, files, message = 'a commit by another job', options = {}) {
      const tip = state.branches[branch]
      const parents = options.parents ?? (tip ? [tip] : [])
      const base = parents[0] ? state.git.trees[state.git.commits[parents[0]]?.tree ?? ''] ?? {} : {}
      const tree = { ...base }
      for (const [path, content] of Object.entries(files)) tree[path] = { mode: '100644', sha: storeBlob(Buffer.from(content, 'utf8')) }
      const sha = storeCommit({ tree: storeTree(tree), message, parents })
      state.branches[branch] = sha
      return sha
    },
    readFile(refOrSha, path) {
      const sha = state.branches[refOrSha] ?? refOrSha
      const commit = state.git.commits[sha]
      const file = commit ? state.git.trees[commit.tree]?.[path] : undefined
      const content = file ? state.git.blobs[file.sha] : undefined
      return content === undefined ? undefined : Buffer.from(content, 'base64').toString('utf8')
    },
    log(branch) {
      const out: Array<{ sha: string } & ServerGitCommit> = []
      let sha = state.branches[branch]
      while (sha && state.git.commits[sha] && out.length < 10_000) {
        const commit = state.git.commits[sha]!
        out.push({ sha, ...commit })
        sha = commit.parents[0]
      }
      return out
    }
  }

  function unhandled(entry: LoggedRequest): Reply {
    entry.unhandled = true
    return { status: 404, body: { message: 'Not Found (not implemented by the test server)' } }
  }

  function guard(family: Family, method: string): void {
    const rule = state.forbid[family]
    if (rule === 'all' || (rule === 'writes' && method !== 'GET')) throw new HttpError(403, 'forbidden')
  }

  /** One page of `items` with GitHub's Link header; `key` wraps it as `{total_count, [key]: items}`. */
  function page(path: string, params: URLSearchParams, items: unknown[], key?: string): Reply {
    const perPage = Math.min(100, Math.max(1, Number(params.get('per_page') ?? 30) || 30))
    const pageNo = Math.max(1, Number(params.get('page') ?? 1) || 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage)
    const link = (n: number, rel: string): string => {
      const next = new URLSearchParams(params)
      next.set('page', String(n))
      next.set('per_page', String(perPage))
      return `<${baseUrl}${path}?${next.toString()}>; rel="${rel}"`
    }
    const links: string[] = []
    if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'))
    if (pageNo > 1) links.push(link(1, 'first'), link(pageNo - 1, 'prev'))
    return {
      status: 200,
      body: key ? { total_count: items.length, [key]: slice } : slice,
      ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {})
    }
  }

  function checkOutput(output: Record<string, unknown>): ServerAnnotation[] {
    const annotations = (output.annotations ?? []) as ServerAnnotation[]
    if (annotations.length > 50) throw new HttpError(422, 'Only 50 annotations are allowed per request')
    if (String(output.summary ?? '').length > 65_535) throw new HttpError(422, 'output.summary is too long (maximum is 65535 characters)')
    if (String(output.text ?? '').length > 65_535) throw new HttpError(422, 'output.text is too long (maximum is 65535 characters)')
    for (const a of annotations) {
      if (!a.path || !a.start_line || !a.annotation_level || !a.message) throw new HttpError(422, 'Invalid annotation: path, start_line, annotation_level and message are required')
    }
    return annotations
  }

  function resolveRef(ref: string): string | null {
    if (state.branches[ref]) return state.branches[ref]
    if (state.commits[ref]) return ref
    const matches = ref.length >= 7 ? Object.keys(state.commits).filter((sha) => sha.startsWith(ref)) : []
    return matches.length === 1 ? matches[0]! : null
  }

  function ancestors(sha: string): string[] {
    const seen = new Set<string>([sha])
    const order = [sha]
    for (let i = 0; i < order.length; i++) {
      for (const parent of state.commits[order[i]!] ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent)
          order.push(parent)
        }
      }
    }
    return order
  }

  function compareJson(basehead: string): unknown {
    const [baseRef, headRef] = basehead.split('...')
    const base = baseRef ? resolveRef(baseRef) : null
    const head = headRef ? resolveRef(headRef) : null
    if (!base || !head) throw new HttpError(404, 'Not Found')
    const baseSet = new Set(ancestors(base))
    const headOrder = ancestors(head)
    const headSet = new Set(headOrder)
    const mergeBase = headOrder.find((sha) => baseSet.has(sha))
    if (!mergeBase) throw new HttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`)
    const aheadBy = headOrder.filter((sha) => !baseSet.has(sha)).length
    const behindBy = [...baseSet].filter((sha) => !headSet.has(sha)).length
    const status = aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged'
    return {
      url: `${baseUrl}/repos/${state.owner}/${state.repo}/compare/${basehead}`,
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      base_commit: { sha: base },
      merge_base_commit: { sha: mergeBase },
      commits: [],
      files: []
    }
  }

  const fullName = (): string => `${state.owner}/${state.repo}`
  const web = (): string => baseUrl.replace(/\/api\/v3$/, '')

  function commentJson(issue: number, c: ServerComment): unknown {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      user: c.user,
      created_at: c.created_at,
      updated_at: c.updated_at,
      html_url: `${web()}/${fullName()}/pull/${issue}#issuecomment-${c.id}`,
      issue_url: `${baseUrl}/repos/${fullName()}/issues/${issue}`
    }
  }

  function checkRunJson(run: ServerCheckRun): unknown {
    return {
      id: run.id,
      head_sha: run.head_sha,
      name: run.name,
      status: run.status,
      conclusion: run.conclusion,
      details_url: run.details_url ?? null,
      html_url: `${web()}/${fullName()}/runs/${run.id}`,
      output: { title: run.output.title, summary: run.output.summary, text: run.output.text ?? null, annotations_count: run.output.annotations.length }
    }
  }

  function pullJson(pull: ServerPull): unknown {
    return {
      number: pull.number,
      state: pull.state ?? 'open',
      head: { sha: pull.head.sha, ref: pull.head.ref, repo: pull.head.repo },
      base: { sha: pull.base.sha, ref: pull.base.ref, repo: pull.base.repo ?? { full_name: fullName() } },
      labels: (pull.labels ?? []).map(labelJson),
      html_url: `${web()}/${fullName()}/pull/${pull.number}`
    }
  }

  function labelJson(name: string, index: number): unknown {
    return { id: index + 1, name, color: 'ededed', default: false }
  }

  function headRepoId(run: ServerRun): number {
    return !run.head_repository || run.head_repository.toLowerCase() === fullName().toLowerCase() ? state.repoId : state.repoId + 1
  }

  function runJson(run: ServerRun): unknown {
    return {
      id: run.id,
      name: run.name,
      path: run.path ?? '.github/workflows/eval.yml',
      workflow_id: run.workflow_id ?? 1,
      event: run.event,
      status: run.status ?? 'completed',
      conclusion: run.conclusion,
      head_branch: run.head_branch,
      head_sha: run.head_sha,
      run_attempt: 1,
      created_at: run.created_at,
      updated_at: run.created_at,
      html_url: `${web()}/${fullName()}/actions/runs/${run.id}`,
      repository: { id: state.repoId, full_name: fullName() },
      head_repository: { id: headRepoId(run), full_name: run.head_repository ?? fullName() },
      pull_requests: []
    }
  }

  function artifactJson(artifact: ServerArtifact): unknown {
    const run = state.runs.find((r) => r.id === artifact.run_id)
    const created = artifact.created_at ?? run?.created_at ?? new Date(0).toISOString()
    return {
      id: artifact.id,
      node_id: `A_${artifact.id}`,
      name: artifact.name,
      size_in_bytes: artifact.zip.length,
      url: `${baseUrl}/repos/${fullName()}/actions/artifacts/${artifact.id}`,
      archive_download_url: `${baseUrl}/repos/${fullName()}/actions/artifacts/${artifact.id}/zip`,
      expired: artifact.expired ?? false,
      created_at: created,
      updated_at: created,
      expires_at: null,
      workflow_run: run
        ? { id: run.id, repository_id: state.repoId, head_repository_id: headRepoId(run), head_branch: run.head_branch, head_sha: run.head_sha }
        : null
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: baseUrl,
    state,
    requests,
    git,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}

function newestFirst<T extends { id: number; created_at?: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '') || b.id - a.id)
}

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  if (typeof value !== 'string') throw new HttpError(422, `Invalid request: "${name}" is required`)
  return value
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers })
  res.end(text)
}
