/**
 * Environment references to folders on disk. A reference is one of:
 *   - a path: a folder, a .zip bundle, or an environment.yaml/.json file;
 *   - `hub:NAME[@VERSION]`: the built-in hub folder `environments/NAME`, else a published bundle
 *     listed in a hub index (when `hubIndexUrl` is set);
 *   - `github:OWNER/REPO[/PATH]@REF`: a folder of a GitHub repository at a ref, via the zipball API.
 * Bundles and zipballs are extracted with the same safety checks (see bundle.ts).
 */
import { existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep, basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { z } from 'zod'
import { DownloadError, ValidationError } from '../errors.js'
import { extractBundle, MANIFEST_FILES } from './bundle.js'
import { defaultCacheDir } from './cache-dir.js'
import { downloadToFile, downloadVerified, fetchBytes } from './download.js'
import type { LoadOptions } from './options.js'
import type { EnvironmentSource } from './types.js'

/** The reference forms, for messages. */
export const REF_FORMS = 'a folder, a .zip bundle, hub:NAME[@VERSION] or github:OWNER/REPO[/PATH]@REF'

export type EnvironmentRef =
  | { kind: 'path'; path: string }
  | { kind: 'hub'; name: string; version?: string }
  | { kind: 'github'; owner: string; repo: string; path?: string; ref: string }

export interface ResolvedEnvironment {
  /** Folder expected to hold environment.yaml/.yml/.json. */
  root: string
  source: EnvironmentSource
  /** Extraction folder of a bundle or zipball; the caller may delete it once done with `root`. */
  tempDir?: string
}

const HUB_REF = /^hub:([a-z0-9][a-z0-9._-]*)(?:@([^@\s]+))?$/
const GITHUB_REF = /^github:([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)(?:\/([^@]+?))?\/?@([^@\s]+)$/
/** A scheme of two or more letters; `C:\…` is a Windows path, not a scheme. */
const OTHER_SCHEME = /^([a-z][a-z0-9+.-]+):/i

/** Parse a reference without touching the disk or network. Throws ValidationError when malformed. */
export function parseEnvironmentRef(ref: string): EnvironmentRef {
  const fail = (expected: string, example: string): never => {
    throw new ValidationError([{ message: `"${ref}" is not a valid environment reference: expected ${expected}`, hint: `e.g. ${example}` }])
  }
  if (ref.startsWith('hub:')) {
    const match = HUB_REF.exec(ref)
    if (!match) return fail('hub:NAME or hub:NAME@VERSION, NAME in lowercase letters, digits, ".", "_" and "-"', 'hub:gsm8k or hub:gsm8k@1.0.0')
    return { kind: 'hub', name: match[1] as string, ...(match[2] ? { version: match[2] } : {}) }
  }
  if (ref.startsWith('github:')) {
    const match = GITHUB_REF.exec(ref)
    if (!match) return fail('github:OWNER/REPO[/PATH]@REF (the @REF part, a branch, tag or commit, is required)', 'github:acme/evals/gsm8k@v1.2.0')
    const [, owner, repo, path, gitRef] = match as unknown as [string, string, string, string | undefined, string]
    const segments = path?.split('/') ?? []
    if (repo === '.' || repo === '..' || segments.some((s) => s === '..' || s === '.' || s === '')) {
      return fail('github:OWNER/REPO[/PATH]@REF with a PATH inside the repository (no "." or ".." segments)', 'github:acme/evals/gsm8k@main')
    }
    return { kind: 'github', owner, repo, ref: gitRef, ...(path ? { path } : {}) }
  }
  const scheme = OTHER_SCHEME.exec(ref)
  if (scheme) return fail(`${REF_FORMS}; "${scheme[1]}:" is not a known prefix`, 'hub:gsm8k, ./environments/gsm8k or github:acme/evals/gsm8k@main')
  if (ref.trim() === '') return fail(REF_FORMS, './environments/gsm8k')
  return { kind: 'path', path: ref }
}

/** Find the folder a reference names, downloading and extracting when needed. */
export async function resolveEnvironment(ref: string, opts: LoadOptions = {}): Promise<ResolvedEnvironment> {
  const parsed = parseEnvironmentRef(ref)
  switch (parsed.kind) {
    case 'path':
      return resolvePath(ref, parsed.path, opts)
    case 'hub':
      return resolveHub(ref, parsed, opts)
    case 'github':
      return resolveGithub(ref, parsed, opts)
  }
}

async function resolvePath(ref: string, path: string, opts: LoadOptions): Promise<ResolvedEnvironment> {
  const absolute = resolve(opts.cwd ?? process.cwd(), path)
  const info = await stat(absolute).catch(() => undefined)
  if (!info) {
    throw new ValidationError([{ message: `environment "${ref}" not found: no such folder or file (${absolute})`, hint: `expected ${REF_FORMS}` }])
  }
  if (info.isDirectory()) return { root: absolute, source: withRepoPath({ kind: 'folder', ref }, absolute) }
  if (absolute.toLowerCase().endsWith('.zip')) {
    const { dir, root } = await extractBundle(absolute)
    return { root, source: { kind: 'zip', ref }, tempDir: dir }
  }
  if ((MANIFEST_FILES as readonly string[]).includes(basename(absolute))) {
    const root = dirname(absolute)
    return { root, source: withRepoPath({ kind: 'folder', ref }, root) }
  }
  throw new ValidationError([{ message: `"${ref}" is a file but not a .zip bundle or an environment manifest`, hint: `expected ${REF_FORMS}` }])
}

// ---------------------------------------------------------------- hub

/** The hub index format: published bundles, each pinned by its sha256. */
export const HubIndex = z.object({
  environments: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      /** Absolute, or relative to the index's own URL. */
      url: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/)
    })
  )
})
export type HubIndex = z.infer<typeof HubIndex>

async function resolveHub(ref: string, wanted: { name: string; version?: string }, opts: LoadOptions): Promise<ResolvedEnvironment> {
  const hubDir = opts.hubDir ?? defaultHubDir()
  const local = join(hubDir, wanted.name)
  const localVersion = await manifestVersion(local)
  if (localVersion !== undefined && (wanted.version === undefined || wanted.version === localVersion)) {
    return { root: local, source: withRepoPath({ kind: 'hub', ref }, local) }
  }

  const available = localVersion === undefined ? [] : [`${localVersion} (built in)`]
  if (opts.hubIndexUrl) {
    const index = await fetchHubIndex(opts.hubIndexUrl, opts)
    const entries = index.environments.filter((e) => e.name === wanted.name)
    const entry = wanted.version === undefined ? entries.sort((a, b) => compareVersions(b.version, a.version))[0] : entries.find((e) => e.version === wanted.version)
    if (entry) {
      const url = new URL(entry.url, opts.hubIndexUrl).href
      const zip = await downloadVerified(url, entry.sha256, { cacheDir: opts.cacheDir ?? defaultCacheDir(), ...dispatcherOf(opts) })
      const { dir, root } = await extractBundle(zip)
      return { root, source: { kind: 'hub', ref }, tempDir: dir }
    }
    available.push(...entries.map((e) => `${e.version} (${opts.hubIndexUrl})`))
  }

  if (available.length > 0) {
    throw new ValidationError([
      { message: `hub environment "${wanted.name}" has no version ${wanted.version}`, hint: `available: ${available.join(', ')}; write hub:${wanted.name} for the newest` }
    ])
  }
  const names = await listHub(hubDir)
  throw new ValidationError([
    {
      message: `no environment "${wanted.name}" in the hub (${hubDir}${opts.hubIndexUrl ? ` or ${opts.hubIndexUrl}` : ''})`,
      hint: names.length ? `available: ${names.join(', ')}` : 'the hub is empty; use a folder path or github:OWNER/REPO[/PATH]@REF'
    }
  ])
}

async function fetchHubIndex(url: string, opts: LoadOptions): Promise<HubIndex> {
  const bytes = await fetchBytes(url, dispatcherOf(opts))
  let data: unknown
  try {
    data = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw new DownloadError(`Hub index ${url} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  const parsed = HubIndex.safeParse(data)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new DownloadError(`Hub index ${url} is malformed: ${first ? `${first.path.join('.')}: ${first.message}` : 'unexpected shape'} (expected {"environments": [{name, version, url, sha256}]})`)
  }
  return parsed.data
}

/** The version field of a folder's manifest, or undefined when the folder has no manifest. */
async function manifestVersion(folder: string): Promise<string | undefined> {
  for (const name of MANIFEST_FILES) {
    const text = await readFile(join(folder, name), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    // Only the version is needed here; the full validation happens when the environment loads.
    let data: unknown
    try {
      data = parseDocument(text).toJS()
    } catch {
      data = undefined
    }
    const version = data && typeof data === 'object' ? (data as Record<string, unknown>).version : undefined
    return typeof version === 'string' ? version : '(no version)'
  }
  return undefined
}

async function listHub(hubDir: string): Promise<string[]> {
  const entries = await readdir(hubDir, { withFileTypes: true }).catch(() => [])
  const names: string[] = []
  for (const entry of entries) if (entry.isDirectory() && (await manifestVersion(join(hubDir, entry.name))) !== undefined) names.push(entry.name)
  return names.sort()
}

/**
 * The built-in hub: the `environments/` folder of this package, found by walking up from this
 * module (src/environment/ when run from source, dist/ when bundled). Computed per call.
 */
export function defaultHubDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  for (let dir = here, i = 0; i < 6; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'environments'))) return join(dir, 'environments')
    if (dirname(dir) === dir) break
  }
  return resolve(here, '..', '..', 'environments')
}

/** Semantic versions compared numerically; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number[], string] => {
    const [core = '', pre = ''] = v.split('+')[0]?.split(/-(.*)/s) ?? []
    return [core.split('.').map((n) => Number(n) || 0), pre]
  }
  const [ca, pa] = parse(a)
  const [cb, pb] = parse(b)
  for (let i = 0; i < 3; i++) if ((ca[i] ?? 0) !== (cb[i] ?? 0)) return (ca[i] ?? 0) - (cb[i] ?? 0)
  if (pa === pb) return 0
  if (pa === '') return 1
  if (pb === '') return -1
  return pa < pb ? -1 : 1
}

// ---------------------------------------------------------------- github

const COMMIT_SHA = /^[0-9a-f]{40}$/i

async function resolveGithub(ref: string, gh: { owner: string; repo: string; path?: string; ref: string }, opts: LoadOptions): Promise<ResolvedEnvironment> {
  const api = (opts.githubApiUrl ?? 'https://api.github.com').replace(/\/+$/, '')
  const refPath = gh.ref.split('/').map(encodeURIComponent).join('/')
  const url = `${api}/repos/${encodeURIComponent(gh.owner)}/${encodeURIComponent(gh.repo)}/zipball/${refPath}`
  const zip = join(opts.cacheDir ?? defaultCacheDir(), 'github', gh.owner, gh.repo, `${encodeURIComponent(gh.ref)}.zip`)

  // A commit sha names fixed content, so its zipball is reused. Branches and tags can move: they
  // are fetched again each time rather than silently evaluating stale data.
  const cached = COMMIT_SHA.test(gh.ref) && (await stat(zip).catch(() => undefined))?.isFile()
  if (!cached) {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }
    if (opts.githubToken) headers.authorization = `Bearer ${opts.githubToken}`
    try {
      await downloadToFile(url, zip, { headers, ...dispatcherOf(opts) })
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error
      throw new DownloadError(
        `Could not fetch ${ref}: ${error.message}\nCheck OWNER/REPO and REF${opts.githubToken ? '' : '; a private repository needs a token (GITHUB_TOKEN)'}.`,
        { cause: error }
      )
    }
  }

  const { dir } = await extractBundle(zip)
  // Zipballs hold one top folder, `owner-repo-<short sha>/`.
  const top = (await readdir(dir, { withFileTypes: true })).filter((d) => d.name !== '__MACOSX')
  const first = top[0]
  if (top.length !== 1 || !first?.isDirectory()) {
    throw new ValidationError([{ message: `the archive of ${ref} does not have the single top folder GitHub zipballs have`, hint: `found: ${top.map((d) => d.name).join(', ') || 'nothing'}` }])
  }
  const repoRoot = join(dir, first.name)
  const root = gh.path ? join(repoRoot, ...gh.path.split('/')) : repoRoot
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) {
    throw new ValidationError([{ message: `${gh.owner}/${gh.repo}@${gh.ref} has no folder "${gh.path ?? ''}"`, hint: 'PATH in github:OWNER/REPO/PATH@REF is the environment folder inside the repository' }])
  }
  return { root, source: { kind: 'github', ref, path: gh.path ?? '.' }, tempDir: dir }
}

// ---------------------------------------------------------------- helpers

function dispatcherOf(opts: LoadOptions): { dispatcher?: LoadOptions['dispatcher'] } {
  return opts.dispatcher ? { dispatcher: opts.dispatcher } : {}
}

/** Record the folder's path relative to its git repository, when it is inside one. */
function withRepoPath(source: EnvironmentSource, folder: string): EnvironmentSource {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) {
      const rel = relative(dir, folder).split(sep).join('/')
      return { ...source, path: rel === '' ? '.' : rel }
    }
    if (dirname(dir) === dir) return source
  }
}
