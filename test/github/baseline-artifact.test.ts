import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { artifactStore } from '../../src/github/baseline/artifact-store.js'
import { findBaseline } from '../../src/github/baseline/find.js'
import { baselineArtifactName } from '../../src/github/baseline/names.js'
import { isMiss, type BaselineKey } from '../../src/github/baseline/types.js'
import { compare, findMergeBase } from '../../src/github/merge-base.js'
import { addHistory, startGitHubApiServer, zipFiles, type GitHubApiServer } from '../helpers/github-api-server.js'
import { HASH, MODEL, REPO, octokitFor, readTree, runFiles } from './fixtures.js'

const NAME = baselineArtifactName(HASH, MODEL)

describe('artifact store', () => {
  let server: GitHubApiServer
  let main: string[]
  let feature: string[]

  beforeEach(async () => {
    server = await startGitHubApiServer({ token: 'test-token' })
    // main: m1..m6; the PR branched from m3 and has two commits of its own.
    main = addHistory(server.state, 'main', 6)
    feature = addHistory(server.state, 'feature', 2, main[2])
  })
  afterEach(async () => {
    await server.close()
    // Every endpoint the code called is one the server implements (as GitHub does).
    expect(server.requests.filter((r) => r.unhandled)).toEqual([])
  })

  /** A successful push run on `branch` at `sha` that uploaded the baseline artifact. */
  async function pushRun(id: number, sha: string, options: { branch?: string; event?: string; conclusion?: string; name?: string; score?: number; headRepo?: string; modelKey?: string } = {}) {
    server.state.runs.push({
      id,
      name: 'Evals',
      event: options.event ?? 'push',
      conclusion: options.conclusion ?? 'success',
      head_branch: options.branch ?? 'main',
      head_sha: sha,
      created_at: new Date(Date.UTC(2025, 0, 1, 0, id)).toISOString(),
      ...(options.headRepo ? { head_repository: options.headRepo } : {})
    })
    const zip = await zipFiles(runFiles({ sha, score: options.score ?? id / 100, ...(options.modelKey ? { modelKey: options.modelKey } : {}) }))
    server.state.artifacts.push({ id: id * 10, name: options.name ?? NAME, run_id: id, zip })
  }

  const key = (sha?: string): BaselineKey => ({ environmentHash: HASH, modelKey: MODEL, branch: 'main', ...(sha ? { sha } : {}) })

  it('finds the merge base through the compare API', async () => {
    const octokit = octokitFor(server.url)
    expect(await findMergeBase(octokit, REPO, 'main', feature[1]!)).toBe(main[2])
    expect(await compare(octokit, REPO, main[0]!, main[2]!)).toMatchObject({ status: 'ahead', aheadBy: 2, behindBy: 0 })
    expect(await findMergeBase(octokit, REPO, 'main', 'f'.repeat(40))).toBeNull()
    server.state.forbid.compare = 'all'
    expect(await findMergeBase(octokit, REPO, 'main', feature[1]!)).toBeNull()
  })

  it("picks the merge base's own artifact over newer ones and says so", async () => {
    await pushRun(1, main[0]!)
    await pushRun(3, main[2]!)
    await pushRun(6, main[5]!)
    const lines: string[] = []
    const hit = await findBaseline([artifactStore({ octokit: octokitFor(server.url), repo: REPO })], key(main[2]), (line) => lines.push(line))

    expect(hit).toMatchObject({ sha: main[2], source: 'artifact', exact: true, description: `main at ${main[2]!.slice(0, 7)} (workflow run 3), the merge base` })
    expect(JSON.parse((await readTree(hit!.dir))['scores.json']!)).toEqual({ n: 1, score: 0.03 })
    expect(lines).toEqual([`Baseline from artifact: using ${hit!.description}`])
    // The artifact list (1 request), the run check, the download (302 + blob): no per-run listing.
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/octo/demo/actions/artifacts',
      'GET /repos/octo/demo/actions/runs/3',
      'GET /repos/octo/demo/actions/artifacts/30/zip',
      'GET /_blobs/artifacts/30.zip'
    ])
    expect(server.requests[0]!.query).toMatchObject({ name: NAME, per_page: '100' })
  })

  it('does not send the token to the storage URL the zip redirects to', async () => {
    await pushRun(3, main[2]!)
    await findBaseline([artifactStore({ octokit: octokitFor(server.url), repo: REPO })], key(main[2]), () => {})
    const [zip, blob] = server.requests.slice(-2)
    expect(zip!.authorization).toBe('token test-token')
    expect(zip!.status).toBe(302)
    expect(blob!.authorization).toBeUndefined()
  })

  it('falls back to the newest artifact of the base branch and names how far it is from the merge base', async () => {
    await pushRun(1, main[0]!)
    await pushRun(2, main[1]!)
    const octokit = octokitFor(server.url)
    const lines: string[] = []
    const hit = await findBaseline([artifactStore({ octokit, repo: REPO })], key(main[2]), (line) => lines.push(line), { relate: (a, b) => compare(octokit, REPO, a, b) })

    expect(hit).toMatchObject({ sha: main[1], exact: false, description: `main at ${main[1]!.slice(0, 7)} (workflow run 2), 1 commit before the merge base ${main[2]!.slice(0, 7)}` })
    expect(lines.at(-1)).toBe(`Baseline from artifact: using ${hit!.description}`)
  })

  it('names a fallback newer than the merge base as such', async () => {
    await pushRun(6, main[5]!)
    const octokit = octokitFor(server.url)
    const hit = await findBaseline([artifactStore({ octokit, repo: REPO })], key(main[2]), () => {}, { relate: (a, b) => compare(octokit, REPO, a, b) })
    expect(hit?.description).toBe(`main at ${main[5]!.slice(0, 7)} (workflow run 6), 3 commits after the merge base ${main[2]!.slice(0, 7)}`)
  })

  it('never takes an artifact of the same name from a fork PR, a failed run or another branch', async () => {
    await pushRun(7, feature[1]!, { event: 'pull_request', branch: 'main', headRepo: 'mallory/demo', score: 1 })
    await pushRun(8, main[2]!, { event: 'pull_request', branch: 'main', score: 1 })
    await pushRun(9, main[2]!, { conclusion: 'failure', score: 1 })
    await pushRun(10, feature[1]!, { branch: 'feature', score: 1 })
    await pushRun(2, main[1]!)
    const lines: string[] = []
    const hit = await findBaseline([artifactStore({ octokit: octokitFor(server.url), repo: REPO })], key(main[2]), (line) => lines.push(line))

    expect(hit).toMatchObject({ sha: main[1], exact: false })
    expect(JSON.parse((await readTree(hit!.dir))['scores.json']!).score).toBe(0.02)
    // The fork's artifact was filtered out by its head repository, before any request about it.
    expect(server.requests.some((r) => r.path.endsWith('/runs/7'))).toBe(false)
    expect(server.requests.filter((r) => r.path.includes('/zip')).map((r) => r.path)).toEqual(['/repos/octo/demo/actions/artifacts/20/zip'])
    expect(hit!.description).toBe(`main at ${main[1]!.slice(0, 7)} (workflow run 2), not the merge base ${main[2]!.slice(0, 7)}`)
    expect(lines).toEqual([`Baseline from artifact: using ${hit!.description}`])
  })

  it('misses with a reason: no artifact, another model only, no permission', async () => {
    const store = artifactStore({ octokit: octokitFor(server.url), repo: REPO })
    const none = await store.load(key(main[2]))
    expect(isMiss(none) && none.reason).toBe(`no artifact ${NAME} from a run on main (0 with that name in the repository)`)

    await pushRun(4, main[3]!, { name: baselineArtifactName(HASH, `${MODEL}-other`) })
    expect(isMiss(await store.load(key(main[2])))).toBe(true)

    server.state.forbid.actions = 'all'
    const refused = await store.load(key(main[2]))
    expect(isMiss(refused) && refused.reason).toContain('actions: read')
  })

  it('with exactOnly, only the merge base’s artifact will do', async () => {
    await pushRun(6, main[5]!)
    const store = artifactStore({ octokit: octokitFor(server.url), repo: REPO })
    const result = await store.load(key(main[2]), { exactOnly: true })
    expect(isMiss(result) && result.reason).toContain(`at ${main[2]!.slice(0, 7)}`)
    expect(server.requests.some((r) => r.path.includes('/zip'))).toBe(false)
  })

  it('skips an artifact that fails to download (expired since listed) and takes the next', async () => {
    await pushRun(2, main[1]!)
    await pushRun(3, main[2]!)
    // Listed as live, but the zip endpoint answers 410: it expired in between.
    server.state.artifacts.find((a) => a.id === 30)!.downloadStatus = 410
    const lines: string[] = []
    const octokit = octokitFor(server.url)
    const hit = await findBaseline([artifactStore({ octokit, repo: REPO })], key(main[2]), (line) => lines.push(line))
    expect(hit).toMatchObject({ sha: main[1], exact: false })
    expect(server.requests.filter((r) => r.path.endsWith('/zip')).map((r) => `${r.path} ${r.status}`)).toEqual([
      '/repos/octo/demo/actions/artifacts/30/zip 410',
      '/repos/octo/demo/actions/artifacts/20/zip 302'
    ])
  })

  it('rejects an artifact whose run.json is for another model (a folded-name collision)', async () => {
    await pushRun(3, main[2]!, { modelKey: 'someone-else' })
    const result = await artifactStore({ octokit: octokitFor(server.url), repo: REPO }).load(key(main[2]))
    expect(isMiss(result) && result.reason).toContain(`it holds model someone-else, not ${MODEL}`)
  })
})
