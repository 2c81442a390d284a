/**
 * The leaderboard on a data branch, against the local GitHub API server's Git Data API: the
 * real octokit client, real HTTP, in-memory refs and objects. Waits are injected and recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataBranchError, depthFromMessage, updateDataBranch } from '../../src/github/data-branch.js'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import { addRun } from '../../src/leaderboard/board.js'
import { updateLeaderboardOnBranch, type UpdateLeaderboardOptions } from '../../src/leaderboard/branch.js'
import { emptyLeaderboard, parseLeaderboard, serializeLeaderboard, type Leaderboard } from '../../src/leaderboard/schema.js'
import { ValidationError } from '../../src/errors.js'
import { startGitHubApiServer, type GitHubApiServer } from '../helpers/github-api-server.js'
import { makeRun, type RunSpec } from './fixtures.js'

const REPO = { owner: 'octo', repo: 'demo' }
const BRANCH = 'benchgen-data'
const TOKEN = 'test-token'

let server: GitHubApiServer
let octokit: Octokit
let sleeps: number[]

beforeEach(async () => {
  server = await startGitHubApiServer({ token: TOKEN })
  octokit = createOctokit(TOKEN, server.url)
  sleeps = []
})
afterEach(async () => {
  await server.close()
  // Every endpoint the code called is one the server implements.
  expect(server.requests.filter((r) => r.unhandled)).toEqual([])
})

function update(spec: RunSpec, options: Partial<UpdateLeaderboardOptions> = {}) {
  return updateLeaderboardOnBranch(octokit, {
    repo: REPO,
    run: makeRun(spec),
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...options
  })
}

function boardOnBranch(ref = BRANCH): Leaderboard {
  const text = server.git.readFile(ref, 'leaderboard.json')
  if (text === undefined) throw new Error(`no leaderboard.json on ${ref}`)
  return parseLeaderboard(text)
}

const modelsOn = (board: Leaderboard, env = 'gsm8k'): string[] => Object.keys(board.environments[env]?.models ?? {}).sort()

/** Plays another job: reads the board at the tip, adds its run and pushes, as a plain commit. */
function pushFromAnotherJob(spec: RunSpec): string {
  const text = server.git.readFile(BRANCH, 'leaderboard.json')
  const board = addRun(text === undefined ? emptyLeaderboard() : parseLeaderboard(text), makeRun(spec))
  return server.git.commit(BRANCH, { 'leaderboard.json': serializeLeaderboard(board) }, `another job: ${spec.model}`)
}

describe('updateLeaderboardOnBranch', () => {
  it('creates the data branch with an orphan commit holding the board, its markdown and its page', async () => {
    const result = await update({ model: 'model-a', score: 0.8, runId: '101', runUrl: 'https://github.com/octo/demo/actions/runs/101' })
    expect(result).toMatchObject({ attempts: 1, status: 'added', created: true, squashed: false })
    expect(server.state.branches[BRANCH]).toBe(result.commitSha)
    const [tip, ...older] = server.git.log(BRANCH)
    expect(older).toEqual([])
    expect(tip!.parents).toEqual([])
    expect(tip!.message).toMatch(/^Leaderboard: gsm8k \/ model-a 80\.0% \(added\) \[skip ci\]\n\nBenchgen-Data-Depth: 1\n$/)
    expect(boardOnBranch().environments.gsm8k!.models['model-a']!.current).toMatchObject({ score: 0.8, runId: '101' })
    expect(result.entry).toMatchObject({ modelKey: 'model-a', score: 0.8, runUrl: 'https://github.com/octo/demo/actions/runs/101' })
    expect(server.git.readFile(BRANCH, 'leaderboard.md')).toContain('| model-a')
    expect(server.git.readFile(BRANCH, 'leaderboard.html')).toMatch(/^<!doctype html>/)
    // The ref was created, never force-moved.
    expect(server.requests.filter((r) => r.path.includes('/git/refs')).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201'])
  })

  it('adds later runs as child commits, keeping other files on the branch', async () => {
    server.git.commit(BRANCH, { 'README.md': 'Data written by benchgen.\n' }, 'docs')
    const first = await update({ model: 'model-a', score: 0.8, day: 1 })
    const second = await update({ model: 'model-b', score: 0.6, day: 2 })
    expect(first).toMatchObject({ created: false, attempts: 1 })
    expect(second).toMatchObject({ created: false, attempts: 1, status: 'added' })
    const log = server.git.log(BRANCH)
    expect(log.map((c) => c.sha)).toEqual([second.commitSha, first.commitSha, expect.any(String)])
    expect(log[0]!.parents).toEqual([first.commitSha])
    // The first commit had no depth trailer (someone else's); counting found it, and ours carry one.
    expect(depthFromMessage(log[0]!.message)).toBe(3)
    expect(modelsOn(boardOnBranch())).toEqual(['model-a', 'model-b'])
    expect(server.git.readFile(BRANCH, 'README.md')).toBe('Data written by benchgen.\n')
    const patches = server.requests.filter((r) => r.method === 'PATCH')
    expect(patches.map((r) => (r.body as { force: boolean }).force)).toEqual([false, false])
  })

  it('reads again and retries when another job pushed between its read and its write, keeping both entries', async () => {
    await update({ model: 'model-a', score: 0.8, day: 1 })
    let pushed = ''
    server.state.beforeRefUpdate = (branch) => {
      server.state.beforeRefUpdate = undefined // once: the first update attempt only
      pushed = pushFromAnotherJob({ model: 'model-c', score: 0.7, day: 3 })
      expect(branch).toBe(BRANCH)
    }
    const logs: string[] = []
    const result = await update({ model: 'model-b', score: 0.6, day: 2 }, { log: (m) => logs.push(m) })
    expect(result.attempts).toBe(2)
    expect(result.status).toBe('added')
    const patches = server.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)
    expect(patches).toEqual([422, 200])
    // Backoff 1000 ms jittered by random() = 0.5 to 75%.
    expect(sleeps).toEqual([750])
    expect(logs[0]).toMatch(/benchgen-data moved while updating it \(Update is not a fast forward\); retrying in 750 ms \(attempt 2 of 9\)/)
    expect(server.git.log(BRANCH)[0]!.parents).toEqual([pushed])
    expect(modelsOn(boardOnBranch())).toEqual(['model-a', 'model-b', 'model-c'])
    expect(modelsOn(result.board)).toEqual(['model-a', 'model-b', 'model-c'])
  })

  it('retries when another job created the branch first', async () => {
    server.state.beforeRequest = ({ method, path }) => {
      if (method === 'POST' && path.endsWith('/git/refs')) {
        server.state.beforeRequest = undefined
        pushFromAnotherJob({ model: 'model-c', day: 3 })
      }
    }
    const result = await update({ model: 'model-a', day: 1 })
    expect(result).toMatchObject({ attempts: 2, created: false })
    expect(modelsOn(boardOnBranch())).toEqual(['model-a', 'model-c'])
  })

  it('gives up after the retries with a DataBranchError that says why', async () => {
    await update({ model: 'model-a', day: 1 })
    let n = 0
    server.state.beforeRefUpdate = () => {
      pushFromAnotherJob({ model: `model-x${++n}`, day: 3 })
    }
    const error = await update({ model: 'model-b', day: 2 }, { retries: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DataBranchError)
    expect((error as DataBranchError).retryable).toBe(true)
    expect((error as Error).message).toMatch(/Gave up updating octo\/demo@benchgen-data after 3 attempts: benchgen-data moved while updating it \(Update is not a fast forward\)/)
    // Exponential: 1000, 2000 ms, each jittered to 75%.
    expect(sleeps).toEqual([750, 1500])
    expect(modelsOn(boardOnBranch())).toEqual(['model-a', 'model-x1', 'model-x2', 'model-x3'])
  })

  it('restarts the history with a new root commit when the cap is reached, carrying every entry', async () => {
    const shas: string[] = []
    for (let day = 1; day <= 3; day++) shas.push((await update({ model: `model-${day}`, day }, { maxCommits: 3 })).commitSha)
    expect(server.git.log(BRANCH)).toHaveLength(3)

    const fourth = await update({ model: 'model-4', day: 4 }, { maxCommits: 3 })
    expect(fourth).toMatchObject({ squashed: true, attempts: 1 })
    const log = server.git.log(BRANCH)
    expect(log).toHaveLength(1)
    expect(log[0]!.parents).toEqual([])
    expect(log[0]!.message).toMatch(/History restarted: benchgen-data had reached 3 commits \(the cap is 3\)/)
    expect(depthFromMessage(log[0]!.message)).toBe(1)
    expect(modelsOn(boardOnBranch())).toEqual(['model-1', 'model-2', 'model-3', 'model-4'])
    // Moved with force only after re-reading the ref just before.
    const tail = server.requests.slice(-2).map((r) => `${r.method} ${r.path.replace(/^\/repos\/octo\/demo/, '')}`)
    expect(tail).toEqual(['GET /git/ref/heads%2Fbenchgen-data', 'PATCH /git/refs/heads%2Fbenchgen-data'])
    expect(server.requests.at(-1)!.body).toMatchObject({ force: true, sha: fourth.commitSha })

    // The next update builds on the new root.
    const fifth = await update({ model: 'model-5', day: 5 }, { maxCommits: 3 })
    expect(server.git.log(BRANCH).map((c) => c.sha)).toEqual([fifth.commitSha, fourth.commitSha])
  })

  it('counts a history without depth trailers by walking it, and caps it too', async () => {
    for (let i = 1; i <= 5; i++) server.git.commit(BRANCH, { [`notes/${i}.txt`]: `${i}\n` }, `manual ${i}`)
    const result = await update({ model: 'model-a', day: 1 }, { maxCommits: 4 })
    expect(result.squashed).toBe(true)
    expect(server.git.log(BRANCH)).toHaveLength(1)
    expect(server.git.readFile(BRANCH, 'notes/5.txt')).toBe('5\n')
  })

  it('does not force the restart over a push that landed after its read: it reads again', async () => {
    for (let day = 1; day <= 2; day++) await update({ model: `model-${day}`, day }, { maxCommits: 2 })
    // Another job pushes while this one is writing its new root commit (after the read, before the re-check).
    server.state.beforeRequest = ({ method, path }) => {
      if (method === 'POST' && path.endsWith('/git/commits')) {
        server.state.beforeRequest = undefined
        pushFromAnotherJob({ model: 'model-other', day: 9 })
      }
    }
    const result = await update({ model: 'model-3', day: 3 }, { maxCommits: 2 })
    expect(result).toMatchObject({ attempts: 2, squashed: true })
    expect(modelsOn(boardOnBranch())).toEqual(['model-1', 'model-2', 'model-3', 'model-other'])
    // The first attempt saw the ref moved and never sent its forced update.
    const patches = server.requests.filter((r) => r.method === 'PATCH')
    expect(patches.map((r) => [(r.body as { force: boolean }).force, r.status])).toEqual([[false, 200], [true, 200]])
  })

  it('is idempotent: the same run again writes nothing and returns the tip', async () => {
    const first = await update({ model: 'model-a', day: 1 })
    const writes = server.requests.filter((r) => r.method !== 'GET').length
    const again = await update({ model: 'model-a', day: 1 })
    expect(again).toMatchObject({ status: 'duplicate', commitSha: first.commitSha, attempts: 1 })
    expect(server.requests.filter((r) => r.method !== 'GET').length).toBe(writes)
  })

  it('a token that may not write gets a clear error naming the permission, and nothing changes', async () => {
    await update({ model: 'model-a', day: 1 })
    const tip = server.state.branches[BRANCH]
    server.state.forbid.git = 'writes'
    const error = await update({ model: 'model-b', day: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DataBranchError)
    expect(error).toMatchObject({ status: 403, retryable: false })
    expect((error as Error).message).toMatch(/The token may not write to octo\/demo \(HTTP 403: Resource not accessible by integration\) while writing leaderboard\.json of octo\/demo@benchgen-data\. Give the job `permissions: contents: write`/)
    expect(sleeps).toEqual([])
    expect(server.state.branches[BRANCH]).toBe(tip)
  })

  it('a rejected token says so', async () => {
    const error = await updateLeaderboardOnBranch(createOctokit('wrong-token', server.url), { repo: REPO, run: makeRun({}) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DataBranchError)
    expect((error as Error).message).toMatch(/GitHub rejected the token while reading the branch of octo\/demo@benchgen-data \(HTTP 401: Bad credentials\)/)
  })

  it('refuses to overwrite a file on the branch that is not a leaderboard', async () => {
    const tip = server.git.commit(BRANCH, { 'leaderboard.json': '{"not": "a board"}' }, 'someone else')
    const error = await update({ model: 'model-a' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as Error).message).toContain('leaderboard.json on branch benchgen-data is not a leaderboard file')
    expect(server.state.branches[BRANCH]).toBe(tip)
  })

  it('honours a custom branch, path and policy, and can skip the rendered files', async () => {
    await update({ model: 'model-a', day: 1, score: 0.9 }, { branch: 'refs/heads/evals/data', path: 'boards/main.json', policy: 'latest', render: false })
    await update({ model: 'model-a', day: 2, score: 0.5 }, { branch: 'evals/data', path: 'boards/main.json', render: false })
    const board = parseLeaderboard(server.git.readFile('evals/data', 'boards/main.json')!)
    expect(board.policy).toBe('latest')
    expect(board.environments.gsm8k!.models['model-a']!.current.score).toBe(0.5)
    expect(server.git.readFile('evals/data', 'boards/main.md')).toBeUndefined()
  })
})

describe('updateDataBranch', () => {
  it.each([
    ['a bad branch name', { branch: 'bad..name' }, /"bad\.\.name" is not a valid branch name/],
    ['a path escaping the branch', { paths: ['../x.json'] }, /"\.\.\/x\.json" is not a valid file path/]
  ])('refuses %s before any request', async (_name, options, message) => {
    const error = await updateDataBranch(octokit, { repo: REPO, paths: ['a.json'], update: () => null, ...options }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DataBranchError)
    expect((error as Error).message).toMatch(message)
    expect(server.requests).toEqual([])
  })

  it('writes nothing when the update returns the same contents', async () => {
    server.git.commit(BRANCH, { 'a.json': '{}\n' })
    const result = await updateDataBranch(octokit, { repo: REPO, paths: ['a.json'], update: (files) => ({ files: { 'a.json': files['a.json']! }, message: 'same' }) })
    expect(result).toMatchObject({ changed: false, attempts: 1, commitSha: server.state.branches[BRANCH] })
    expect(server.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('takes the depth from the last trailer, so a subject cannot fake it', () => {
    expect(depthFromMessage('x\n\nBenchgen-Data-Depth: 1\n\nBenchgen-Data-Depth: 7\n')).toBe(7)
    expect(depthFromMessage('no trailer')).toBeNull()
  })
})
