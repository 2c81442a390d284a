import { readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { FORK_COMMENT_ARTIFACT, ForkCommentError, loadForkComment, writeForkComment } from '../../src/github/fork-comment.js'
import { startGitHubApiServer, zipFiles, type GitHubApiServer } from '../helpers/github-api-server.js'
import { REPO, octokitFor, readTree, tempDir, writeRunDir } from './fixtures.js'

const HEAD = '6dcb09b5b57875f334f61aebed695e2e4193db5e'
const OTHER = '0123456789abcdef0123456789abcdef01234567'
const RUN_ID = 555

describe('fork-safe comment', () => {
  let server: GitHubApiServer
  beforeEach(async () => {
    server = await startGitHubApiServer()
    server.state.runs.push({ id: RUN_ID, name: 'Evals', event: 'pull_request', conclusion: 'success', head_branch: 'prompt-tuning', head_sha: HEAD, created_at: '2025-03-04T10:00:00Z', head_repository: 'contributor/demo' })
    server.state.pulls[42] = { number: 42, head: { sha: HEAD, ref: 'prompt-tuning', repo: { full_name: 'contributor/demo' } }, base: { sha: OTHER, ref: 'main' } }
    server.state.pulls[7] = { number: 7, head: { sha: OTHER, ref: 'other', repo: { full_name: 'octo/demo' } }, base: { sha: OTHER, ref: 'main' } }
  })
  afterEach(async () => {
    await server.close()
    // Every endpoint the code called is one the server implements (as GitHub does).
    expect(server.requests.filter((r) => r.unhandled)).toEqual([])
  })

  /** Phase 1 as the fork's run does it, then the upload (a zip of the folder, rooted at it). */
  async function phaseOne(pr: { number: number; headSha: string }, withBaseline = false): Promise<void> {
    const out = join(await tempDir(), 'comment')
    const { dir, files, artifactName } = await writeForkComment({
      runDir: await writeRunDir({ score: 0.61 }),
      outDir: out,
      pr,
      ...(withBaseline ? { baseline: { dir: await writeRunDir({ score: 0.7, sha: OTHER }), sha: OTHER, description: 'main at 0123456 <b>@octo</b>' } } : {})
    })
    expect(artifactName).toBe(FORK_COMMENT_ARTIFACT)
    const entries: Record<string, Buffer> = {}
    for (const file of files) entries[relative(dir, file).split('\\').join('/')] = await readFile(file)
    await uploadArtifact(entries)
  }

  async function uploadArtifact(entries: Record<string, string | Buffer>): Promise<void> {
    server.state.artifacts.push({ id: 900 + server.state.artifacts.length, name: FORK_COMMENT_ARTIFACT, run_id: RUN_ID, zip: await zipFiles(entries) })
  }

  it('phase 1 writes the data files and pr.json, never a rendered comment', async () => {
    const out = join(await tempDir(), 'comment')
    const { files } = await writeForkComment({ runDir: await writeRunDir(), outDir: out, pr: { number: 42, headSha: HEAD } })
    expect(files.map((f) => relative(out, f)).sort()).toEqual(['pr.json', 'results.jsonl', 'run.json', 'scores.json'])
    expect(JSON.parse(await readFile(join(out, 'pr.json'), 'utf8'))).toEqual({ schemaVersion: 1, number: 42, headSha: HEAD })
  })

  it('phase 2 downloads the triggering run’s artifact, checks the PR’s head and returns the folder', async () => {
    await phaseOne({ number: 42, headSha: HEAD }, true)
    const result = await loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID })
    expect(result).toMatchObject({ number: 42, headSha: HEAD, workflowName: 'Evals', baseline: { sha: OTHER, description: 'main at 0123456 <b>@octo</b>' } })
    expect(JSON.parse((await readTree(result.dir))['scores.json']!).score).toBe(0.61)
    expect(JSON.parse((await readTree(result.baseline!.dir))['scores.json']!).score).toBe(0.7)
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/octo/demo/actions/runs/${RUN_ID}`,
      `GET /repos/octo/demo/actions/runs/${RUN_ID}/artifacts`,
      'GET /repos/octo/demo/actions/artifacts/900/zip',
      'GET /_blobs/artifacts/900.zip',
      'GET /repos/octo/demo/pulls/42'
    ])
  })

  it('rejects a pr.json whose head sha is not the one the run ran on', async () => {
    await phaseOne({ number: 42, headSha: OTHER })
    const error = await loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ForkCommentError)
    expect((error as Error).message).toBe(`pr.json names head 0123456 but workflow run ${RUN_ID} ran on 6dcb09b; not posting.`)
    expect(server.requests.some((r) => r.path.includes('/pulls/'))).toBe(false)
  })

  it('rejects a pr.json that points at another PR (whose head is not the run’s commit)', async () => {
    await phaseOne({ number: 7, headSha: HEAD })
    await expect(loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID })).rejects.toThrow(/Pull request #7 is at 0123456, not at 6dcb09b .* Not posting\./)
  })

  it('rejects a PR number that does not exist', async () => {
    await phaseOne({ number: 999, headSha: HEAD })
    await expect(loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID })).rejects.toThrow('pr.json names pull request #999, which does not exist in octo/demo.')
  })

  it.each([
    ['a number that is not one', { schemaVersion: 1, number: '42', headSha: HEAD }, 'number'],
    ['a short sha', { schemaVersion: 1, number: 42, headSha: '6dcb09b' }, 'headSha'],
    ['an unknown field (a pre-rendered body)', { schemaVersion: 1, number: 42, headSha: HEAD, body: '<script>' }, ''],
    ['no schema version', { number: 42, headSha: HEAD }, 'schemaVersion']
  ])('validates pr.json with zod: %s', async (_label, prJson, field) => {
    const files = await readTree(await writeRunDir())
    await uploadArtifact({ ...files, 'pr.json': JSON.stringify(prJson) })
    const error = await loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues[0]).toMatchObject({ file: 'pr.json', field })
  })

  it('says when the run has no such artifact or is not a pull request run', async () => {
    await expect(loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID })).rejects.toThrow(`Workflow run ${RUN_ID} has no artifact named ${FORK_COMMENT_ARTIFACT}`)
    server.state.runs.push({ id: 556, name: 'Evals', event: 'push', conclusion: 'success', head_branch: 'main', head_sha: HEAD, created_at: '2025-03-04T10:00:00Z' })
    await expect(loadForkComment(octokitFor(server.url), { repo: REPO, runId: 556 })).rejects.toThrow('triggered by push, not a pull request')
  })

  it('refuses an artifact that tries to write outside its folder', async () => {
    const files = await readTree(await writeRunDir())
    const zip = await zipFiles({ ...files, 'pr.json': JSON.stringify({ schemaVersion: 1, number: 42, headSha: HEAD }), 'xx/evil.txt': 'pwned' })
    // Same length, so the zip stays valid: `xx/` becomes `../` in both headers.
    const evil = Buffer.from(zip.toString('latin1').split('xx/evil.txt').join('../evil.txt'), 'latin1')
    server.state.artifacts.push({ id: 950, name: FORK_COMMENT_ARTIFACT, run_id: RUN_ID, zip: evil })
    await expect(loadForkComment(octokitFor(server.url), { repo: REPO, runId: RUN_ID })).rejects.toThrow(/\.\.\/evil\.txt" has a "\.\." segment/)
  })
})
