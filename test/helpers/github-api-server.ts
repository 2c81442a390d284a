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
 * behind the compare endpoint (merge base, ahead/behind counts).
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
export type Family = 'comments' | 'checks' | 'statuses' | 'labels' | 'pulls' | 'compare' | 'actions'

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
  close(): Promise<void>
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
    return unhandled(entry)
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
