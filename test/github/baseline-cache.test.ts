import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { artifactStore } from '../../src/github/baseline/artifact-store.js'
import { cacheStore, type CacheFunctions } from '../../src/github/baseline/cache-store.js'
import { findBaseline } from '../../src/github/baseline/find.js'
import { baselineArtifactName, baselineCacheKey, baselineCachePrefix } from '../../src/github/baseline/names.js'
import { isMiss, type BaselineKey } from '../../src/github/baseline/types.js'
import { addHistory, startGitHubApiServer, zipFiles, type GitHubApiServer } from '../helpers/github-api-server.js'
import { HASH, MODEL, REPO, octokitFor, readTree, runFiles, tempDir, writeRunDir } from './fixtures.js'

/**
 * A test double of @actions/cache's API, with the service's matching rules: an entry's version
 * is derived from the paths (restoring with other paths misses), the primary key must match
 * exactly, each restore key matches by prefix and takes the newest entry.
 */
class FakeActionsCache implements CacheFunctions {
  entries: { key: string; version: string; files: Record<string, Buffer> }[] = []
  calls: string[] = []
  available = true
  failRestore: Error | null = null

  isFeatureAvailable(): boolean {
    return this.available
  }

  async saveCache(paths: string[], key: string): Promise<number> {
    this.calls.push(`save ${key}`)
    if (this.entries.some((e) => e.key === key)) return -1 // "another job may be creating this cache"
    const files: Record<string, Buffer> = {}
    for (const name of await readdir(paths[0]!)) files[name] = await readFile(join(paths[0]!, name))
    this.entries.push({ key, version: paths.join('|'), files })
    return this.entries.length
  }

  async restoreCache(paths: string[], primaryKey: string, restoreKeys: string[] = []): Promise<string | undefined> {
    this.calls.push(`restore ${primaryKey} [${restoreKeys.join(', ')}]`)
    if (this.failRestore) throw this.failRestore
    const version = paths.join('|')
    const candidates = this.entries.filter((e) => e.version === version)
    const entry = candidates.find((e) => e.key === primaryKey) ?? restoreKeys.map((prefix) => candidates.filter((e) => e.key.startsWith(prefix)).at(-1)).find(Boolean)
    if (!entry) return undefined
    await rm(paths[0]!, { recursive: true, force: true })
    await mkdir(paths[0]!, { recursive: true })
    for (const [name, content] of Object.entries(entry.files)) await writeFile(join(paths[0]!, name), content)
    return entry.key
  }
}

const SHAS = ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)] as const
const key = (sha?: string, modelKey = MODEL): BaselineKey => ({ environmentHash: HASH, modelKey, branch: 'main', ...(sha ? { sha } : {}) })

describe('cache store', () => {
  let cache: FakeActionsCache
  let dir: string
  beforeEach(async () => {
    cache = new FakeActionsCache()
    dir = join(await tempDir(), 'benchgen-baseline')
  })

  /** What a push to main does: save the run folder under the pushed commit. */
  async function saveAt(sha: string, options: { modelKey?: string; score?: number } = {}) {
    const runDir = await writeRunDir({ sha, ...options })
    return cacheStore({ dir, cache }).save!(key(sha, options.modelKey), runDir)
  }

  it('keys entries benchgen-<hash16>-<model>--<sha>', () => {
    expect(baselineCacheKey(key(), SHAS[0])).toBe(`benchgen-a1b2c3d4e5f60718-llama3.2-3b@127.0.0.1-11434--${SHAS[0]}`)
    expect(baselineCachePrefix(key())).toBe('benchgen-a1b2c3d4e5f60718-llama3.2-3b@127.0.0.1-11434--')
    expect(baselineCachePrefix(key(undefined, 'odd model,key/--x-'))).toBe('benchgen-a1b2c3d4e5f60718-odd_model_key_-x--')
  })

  it("restores the merge base's own entry", async () => {
    expect(await saveAt(SHAS[0], { score: 0.5 })).toEqual({ saved: true, detail: baselineCacheKey(key(), SHAS[0]) })
    await saveAt(SHAS[1], { score: 0.6 })
    const hit = await cacheStore({ dir, cache }).load(key(SHAS[0]))
    expect(hit).toEqual({ dir, sha: SHAS[0], source: 'cache', exact: true, description: 'main at 1111111' })
    expect(JSON.parse((await readTree(dir))['scores.json']!).score).toBe(0.5)
    expect(cache.calls.at(-1)).toBe(`restore ${baselineCacheKey(key(), SHAS[0])} [${baselineCachePrefix(key())}]`)
  })

  it('falls back to the newest entry under the prefix and parses its sha from the matched key', async () => {
    await saveAt(SHAS[0], { score: 0.5 })
    await saveAt(SHAS[1], { score: 0.6 })
    const lines: string[] = []
    const hit = await findBaseline([cacheStore({ dir, cache })], key(SHAS[2]), (line) => lines.push(line))
    expect(hit).toMatchObject({ sha: SHAS[1], exact: false, description: 'main at 2222222, not the merge base 3333333' })
    expect(JSON.parse((await readTree(dir))['scores.json']!).score).toBe(0.6)
    expect(lines).toEqual(['Baseline from cache: using main at 2222222, not the merge base 3333333'])
  })

  it('without a merge base, takes the newest entry and says the merge base is unknown', async () => {
    await saveAt(SHAS[0])
    const hit = await findBaseline([cacheStore({ dir, cache })], key(), () => {})
    expect(hit).toMatchObject({ sha: SHAS[0], exact: false, description: 'main at 1111111, the newest found (the merge base is unknown)' })
  })

  it('never restores the entry of a model whose key starts with this one', async () => {
    await saveAt(SHAS[0], { modelKey: 'llama@127.0.0.1-8000' })
    const result = await cacheStore({ dir, cache }).load(key(SHAS[1], 'llama@127.0.0.1'))
    expect(isMiss(result) && result.reason).toBe(
      `no entry for ${baselineCacheKey(key(undefined, 'llama@127.0.0.1'), SHAS[1])} nor under the prefix ${baselineCachePrefix(key(undefined, 'llama@127.0.0.1'))}`
    )
  })

  it('reports an unavailable cache service instead of throwing, for load and save', async () => {
    cache.available = false
    const result = await cacheStore({ dir, cache }).load(key(SHAS[0]))
    expect(isMiss(result) && result.reason).toMatch(/cache service is not available/)
    expect(await saveAt(SHAS[0])).toMatchObject({ saved: false, detail: expect.stringMatching(/not available/) })
    expect(cache.calls).toEqual([])
  })

  it('turns a failing restore into a miss, and a key saved twice into saved: false', async () => {
    expect((await saveAt(SHAS[0])).saved).toBe(true)
    expect(await saveAt(SHAS[0])).toMatchObject({ saved: false })
    cache.failRestore = new Error('Cache service responded with 503')
    const result = await cacheStore({ dir, cache }).load(key(SHAS[0]))
    expect(isMiss(result) && result.reason).toContain('503')
  })

  it('a save without a sha saves nothing', async () => {
    const runDir = await writeRunDir()
    expect(await cacheStore({ dir, cache }).save!(key(), runDir)).toEqual({ saved: false, detail: 'no commit sha to key the entry by' })
  })

  it('loads the cache API only when first used', async () => {
    let loads = 0
    const store = cacheStore({
      dir,
      cache: async () => {
        loads++
        return cache
      }
    })
    expect(loads).toBe(0)
    await store.load(key(SHAS[0]))
    await store.load(key(SHAS[1]))
    expect(loads).toBe(1)
  })
})

describe('findBaseline across stores', () => {
  let server: GitHubApiServer
  let cache: FakeActionsCache
  let dir: string
  let main: string[]
  beforeEach(async () => {
    server = await startGitHubApiServer()
    cache = new FakeActionsCache()
    dir = join(await tempDir(), 'benchgen-baseline')
    main = addHistory(server.state, 'main', 3)
  })
  afterEach(async () => {
    await server.close()
  })

  async function artifactAt(runId: number, sha: string, score: number) {
    server.state.runs.push({ id: runId, name: 'Evals', event: 'push', conclusion: 'success', head_branch: 'main', head_sha: sha, created_at: new Date(Date.UTC(2025, 0, runId)).toISOString() })
    server.state.artifacts.push({ id: runId * 10, name: baselineArtifactName(HASH, MODEL), run_id: runId, zip: await zipFiles(runFiles({ sha, score })) })
  }

  it('prefers an exact artifact over a cache fallback, asking the artifact store for the exact entry only', async () => {
    await cacheStore({ dir, cache }).save!(key(main[0]), await writeRunDir({ sha: main[0], score: 0.1 }))
    await artifactAt(1, main[1]!, 0.2)
    await artifactAt(2, main[2]!, 0.3)
    const lines: string[] = []
    const hit = await findBaseline([cacheStore({ dir, cache }), artifactStore({ octokit: octokitFor(server.url), repo: REPO })], key(main[1]), (line) => lines.push(line))

    expect(hit).toMatchObject({ source: 'artifact', sha: main[1], exact: true })
    expect(JSON.parse((await readTree(hit!.dir))['scores.json']!).score).toBe(0.2)
    expect(lines).toEqual([
      `Baseline from cache: found main at ${main[0]!.slice(0, 7)}, not the merge base's own entry; looking further for ${main[1]!.slice(0, 7)}`,
      `Baseline from artifact: using ${hit!.description}`
    ])
    // Only the exact artifact was a candidate: the newer one (run 2) was not downloaded.
    expect(server.requests.filter((r) => r.path.endsWith('/zip')).map((r) => r.path)).toEqual(['/repos/octo/demo/actions/artifacts/10/zip'])
  })

  it('keeps the cache fallback when no store has the exact entry', async () => {
    await cacheStore({ dir, cache }).save!(key(main[0]), await writeRunDir({ sha: main[0] }))
    const lines: string[] = []
    const octokit = octokitFor(server.url)
    const hit = await findBaseline([cacheStore({ dir, cache }), artifactStore({ octokit, repo: REPO })], key(main[2]), (line) => lines.push(line), {
      relate: async (from, to) => (await import('../../src/github/merge-base.js')).compare(octokit, REPO, from, to)
    })
    expect(hit).toMatchObject({ source: 'cache', exact: false, description: `main at ${main[0]!.slice(0, 7)}, 2 commits before the merge base ${main[2]!.slice(0, 7)}` })
    expect(lines[1]).toMatch(/^Baseline from artifact: none \(no artifact .* at [0-9a-f]{7} /)
    expect(lines[2]).toBe(`Baseline from cache: using ${hit!.description}`)
  })

  it('stops at an exact cache hit without asking the API', async () => {
    await cacheStore({ dir, cache }).save!(key(main[2]), await writeRunDir({ sha: main[2] }))
    const hit = await findBaseline([cacheStore({ dir, cache }), artifactStore({ octokit: octokitFor(server.url), repo: REPO })], key(main[2]), () => {})
    expect(hit).toMatchObject({ source: 'cache', exact: true })
    expect(server.requests).toHaveLength(0)
  })

  it('logs a failing store as a miss and goes on; returns null when nothing is found', async () => {
    cache.failRestore = new Error('boom')
    server.state.forbid.actions = 'all'
    const lines: string[] = []
    const hit = await findBaseline([cacheStore({ dir, cache }), artifactStore({ octokit: octokitFor(server.url), repo: REPO })], key(main[2]), (line) => lines.push(line))
    expect(hit).toBeNull()
    expect(lines).toEqual([
      expect.stringMatching(/^Baseline from cache: none \(restoring .* failed: boom\)$/),
      'Baseline from artifact: none (the token cannot list artifacts (the workflow needs `permissions: actions: read`))',
      'No baseline found.'
    ])
  })
})
