/**
 * End-to-end: the bundled action run as the runner runs it, against a local model endpoint and a
 * local GitHub API. Each test is one workflow situation from the issue: first run, regression,
 * improvement, acknowledged regression, sticky update past 100 comments, fork token, hostile
 * model output, environment hash mismatch, artifact baseline, push to the default branch, and
 * the fork-safe second phase.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { commentMarker } from '../../src/github/comment.js'
import { baselineArtifactName } from '../../src/github/baseline/names.js'
import { loadEnvironment } from '../../src/environment/load.js'
import { modelKey, parseModelSpec } from '../../src/model/config.js'
import { createOpenAIClient } from '../../src/model/openai.js'
import { runEvaluation } from '../../src/run/run.js'
import { startOpenAIServer } from '../helpers/openai-server.js'
import { addHistory, startGitHubApiServer, zipFiles } from '../helpers/github-api-server.js'
import type { GitHubApiServer } from '../helpers/github-api-server.js'
import { answerFor, writeFixtureEnvironment } from '../helpers/env-fixture.js'
import { runAction } from '../helpers/action-runner.js'

type Behaviour = 'good' | 'bad' | 'better' | 'hostile'
let behaviour: Behaviour = 'good'
const HOSTILE = '@octocat see #1 </details></summary><script>alert(1)</script> ``` [click](http://evil.example) ![x](http://evil.example/x.png) | col |'

function answer(question: string): string {
  const match = /What is (\d+) \+ (\d+)\?/.exec(question)
  if (!match) return 'no idea'
  const a = Number(match[1])
  const b = Number(match[2])
  if (behaviour === 'better') return `Answer: ${a + b}`
  if ((behaviour === 'bad' || behaviour === 'hostile') && a % 3 === 0) return behaviour === 'hostile' ? `${HOSTILE}\nAnswer: ${a + b + 2}` : `Answer: ${a + b + 2}`
  return answerFor(question)
}

let model: Awaited<ReturnType<typeof startOpenAIServer>>
let workspace: string
let spec: string
let key: string
let baselineDir: string
const N = 30

beforeAll(async () => {
  model = await startOpenAIServer({ respond: (req) => answer(req.messages?.at(-1)?.content ?? '') })
  workspace = await mkdtemp(join(tmpdir(), 'benchgen-ws-'))
  await writeFixtureEnvironment(N, { dir: join(workspace, 'evals', 'add') })
  spec = `${model.baseUrl}#fixture-model`
  const config = await parseModelSpec(spec)
  key = modelKey(config)
  // The baseline: the good model's run, committed to the repository as a folder.
  baselineDir = join(workspace, 'baselines', 'add')
  behaviour = 'good'
  const environment = await loadEnvironment(join(workspace, 'evals', 'add'), { cacheDir: join(workspace, '.cache') })
  const client = createOpenAIClient(config)
  await runEvaluation({ environment, outDir: baselineDir, client, model: { key, name: config.name, baseUrl: config.baseUrl, api: 'chat' }, progress: { silent: true } })
  await client.close?.()
})
afterAll(async () => {
  await model?.close()
})

let api: GitHubApiServer
let main: string[]
let feature: string[]
beforeEach(async () => {
  api = await startGitHubApiServer()
  main = addHistory(api.state, 'main', 3)
  feature = addHistory(api.state, 'feature', 2, main[2])
  api.state.pulls[7] = { number: 7, head: { sha: feature[1]!, ref: 'feature', repo: { full_name: 'octo/demo' } }, base: { sha: main[2]!, ref: 'main' } }
  return async () => api.close()
})

function prPayload(options: { labels?: string[]; fork?: boolean } = {}) {
  const headRepo = options.fork ? 'evil/demo' : 'octo/demo'
  return {
    action: 'synchronize',
    number: 7,
    pull_request: {
      number: 7,
      head: { sha: feature[1], ref: 'feature', repo: { full_name: headRepo, fork: Boolean(options.fork) } },
      base: { sha: main[2], ref: 'main', repo: { full_name: 'octo/demo', fork: false } },
      labels: (options.labels ?? []).map((name) => ({ name }))
    },
    repository: { full_name: 'octo/demo', default_branch: 'main' }
  }
}

async function onPullRequest(inputs: Record<string, string> = {}, payload = prPayload()) {
  return runAction({
    inputs: { environment: 'evals/add', model: spec, 'github-token': 'ghs_test', concurrency: '4', ...inputs },
    event: 'pull_request',
    payload,
    apiUrl: api.url,
    workspace,
    sha: 'f'.repeat(40),
    ref: 'refs/pull/7/merge'
  })
}

const comments = () => api.state.comments[7] ?? []

/** Separate fenced code blocks (CommonMark: a closing fence is at least as long as the opening) from the rest. */
function splitFences(markdown: string): { outside: string; fenced: { fence: string; text: string }[] } {
  const outside: string[] = []
  const fenced: { fence: string; text: string }[] = []
  let open: { fence: string; lines: string[] } | null = null
  for (const line of markdown.split('\n')) {
    const fence = /^(`{3,}|~{3,})/.exec(line)?.[1]
    if (open) {
      if (fence && fence[0] === open.fence[0] && fence.length >= open.fence.length && line.trim() === fence) {
        fenced.push({ fence: open.fence, text: open.lines.join('\n') })
        open = null
      } else open.lines.push(line)
    } else if (fence) open = { fence, lines: [] }
    else outside.push(line)
  }
  expect(open, 'every code block is closed').toBeNull()
  return { outside: outside.join('\n'), fenced }
}

describe('the bundled action (dist/index.js)', () => {
  it('first run with no baseline: passes with a notice, writes summary, outputs, one comment and a check', async () => {
    behaviour = 'good'
    const run = await onPullRequest()
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.outputs.verdict).toBe('no-baseline')
    expect(Number(run.outputs.score)).toBeGreaterThan(0.5)
    expect(run.outputs['environment-hash']).toMatch(/^[0-9a-f]{64}$/)
    expect(run.outputs['results-path']).toMatch(/results\.jsonl$/)
    expect((await readFile(run.outputs['report-path']!, 'utf8')).slice(0, 15).toLowerCase()).toBe('<!doctype html>')
    expect(run.summary, run.stdout).toContain('NO BASELINE')
    expect(comments(), run.stdout).toHaveLength(1)
    expect(run.commands.some((c) => c.command === 'notice' && /No baseline/.test(c.message))).toBe(true)
    expect(comments()).toHaveLength(1)
    expect(comments()[0]!.body).toContain(commentMarker('eval', 'fixture-add', key))
    expect(api.state.checkRuns, run.stdout.split('\n').filter((l) => /Check|warning/.test(l)).join('\n')).toHaveLength(1)
    expect(api.state.checkRuns[0]).toMatchObject({ head_sha: feature[1], name: 'benchgen-eval', conclusion: 'success' })
  })

  it('a regression fails the step, after the summary, the comment and the check are written', async () => {
    behaviour = 'bad'
    const run = await onPullRequest({ baseline: 'baselines/add' })
    expect(run.code).toBe(1)
    expect(run.outputs.verdict).toBe('regressed')
    expect(Number(run.outputs.regressed)).toBeGreaterThan(5)
    expect(Number(run.outputs.delta)).toBeLessThan(-10)
    expect(run.commands.find((c) => c.command === 'error')?.message).toMatch(/Score regressed/)
    expect(run.summary).toContain('REGRESSED')
    expect(comments()).toHaveLength(1)
    expect(comments()[0]!.body).toContain('REGRESSED')
    const check = api.state.checkRuns[0]!
    expect(check.conclusion).toBe('failure')
    expect(check.output.annotations.length).toBe(Number(run.outputs.regressed))
    expect(check.output.annotations[0]!.path).toBe('evals/add/data/test.jsonl')
    // The annotation points at the regressed case's own line of the dataset.
    const lines = (await readFile(join(workspace, 'evals/add/data/test.jsonl'), 'utf8')).split('\n')
    const annotation = check.output.annotations[0]!
    expect(lines[annotation.start_line - 1]).toContain(annotation.title!.replace('Regressed: ', ''))
  })

  it('an improvement passes and reports fixed cases', async () => {
    behaviour = 'better'
    const run = await onPullRequest({ baseline: 'baselines/add' })
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.verdict).toBe('pass')
    expect(Number(run.outputs.fixed)).toBeGreaterThan(0)
    expect(Number(run.outputs.regressed)).toBe(0)
    expect(Number(run.outputs.delta)).toBeGreaterThan(0)
    expect(comments()[0]!.body).toContain('PASS')
    // The report carries the baseline, for its "changed" filter.
    const report = await readFile(run.outputs['report-path']!, 'utf8')
    expect(report).toMatch(/"change":"fixed"/)
  })

  it('a label acknowledges an intended regression: the step passes with a notice', async () => {
    behaviour = 'bad'
    api.state.labels[7] = ['benchgen:accept-regression']
    const run = await onPullRequest({ baseline: 'baselines/add' }, prPayload({ labels: ['benchgen:accept-regression'] }))
    expect(run.code, run.stdout).toBe(0)
    expect(comments()[0]!.body).toMatch(/acknowledged/i)
    expect(api.state.checkRuns[0]!.conclusion).toBe('success')
  })

  it('updates its sticky comment in place when it is the 103rd comment', async () => {
    behaviour = 'good'
    const marker = commentMarker('eval', 'fixture-add', key)
    const user = { login: 'someone', type: 'User' as const }
    api.state.comments[7] = Array.from({ length: 102 }, (_, i) => ({ id: 1000 + i, body: `comment ${i}`, user, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' }))
    api.state.comments[7].push({ id: 5000, body: `${marker}\nold results`, user: { login: 'github-actions[bot]', type: 'Bot' }, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' })
    const run = await onPullRequest({ baseline: 'baselines/add' })
    expect(run.code, run.stdout).toBe(0)
    expect(comments()).toHaveLength(103)
    expect(comments()[102]!.id).toBe(5000)
    expect(comments()[102]!.body).toContain('BenchGen Eval')
    expect(comments()[102]!.body).not.toContain('old results')
    expect(api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments')).length).toBeGreaterThanOrEqual(2)
  })

  it('a fork\'s read-only token: no crash, summary written, comment data left for the second phase', async () => {
    behaviour = 'good'
    api.state.forbid = { comments: 'writes', checks: 'writes', statuses: 'writes' }
    const run = await onPullRequest({ baseline: 'baselines/add' }, prPayload({ fork: true }))
    expect(run.code, run.stdout).toBe(0)
    expect(run.summary).toContain('BenchGen Eval')
    expect(comments()).toHaveLength(0)
    expect(run.commands.some((c) => c.command === 'notice' && /read-only/.test(c.message))).toBe(true)
    const commentData = join(run.outputs['run-dir']!, '..', '..', '..', 'benchgen-pr-comment')
    const files = await readdir(commentData)
    expect(files).toEqual(expect.arrayContaining(['pr.json', 'run.json', 'scores.json', 'results.jsonl']))
  })

  it('hostile model output cannot mention, inject HTML or links, or break out of its block', async () => {
    behaviour = 'hostile'
    const run = await onPullRequest({ baseline: 'baselines/add', 'fail-on-regression': 'false' })
    expect(run.code, run.stdout).toBe(0)
    const body = comments()[0]!.body
    const { outside, fenced } = splitFences(body)
    // In code blocks GitHub shows text verbatim: no mentions, HTML or links. The fence must be
    // longer than the backtick run inside, so the model's ``` cannot close it.
    expect(fenced.some((block) => block.fence.length > 3 && block.text.includes(HOSTILE))).toBe(true)
    expect(outside).not.toMatch(/(^|[^\u200b;])@octocat/)
    expect(outside).not.toContain('<script>')
    expect(outside).not.toContain('](http://evil.example')
    expect(outside.split('<details>').length).toBe(outside.split('</details>').length)
    expect(splitFences(run.summary).outside).not.toContain('<script>')
  })

  it('an environment hash mismatch is flagged and fails unless allowed', async () => {
    behaviour = 'good'
    const otherEnv = await writeFixtureEnvironment(N + 1)
    const config = await parseModelSpec(spec)
    const client = createOpenAIClient(config)
    const otherBaseline = join(workspace, 'baselines', 'other')
    await runEvaluation({ environment: await loadEnvironment(otherEnv, { cacheDir: join(workspace, '.cache') }), outDir: otherBaseline, client, model: { key, name: config.name, baseUrl: config.baseUrl, api: 'chat' }, progress: { silent: true } })
    await client.close?.()
    const refused = await onPullRequest({ baseline: 'baselines/other' })
    expect(refused.code).toBe(1)
    expect(refused.outputs.verdict).toBe('error')
    expect(refused.commands.find((c) => c.command === 'error')?.message).toMatch(/hash/i)
    const allowed = await onPullRequest({ baseline: 'baselines/other', 'allow-hash-mismatch': 'true' })
    expect(allowed.code, allowed.stdout).toBe(0)
    expect(comments().at(-1)!.body).toMatch(/different environment hash/i)
  })

  it('finds the baseline in a previous push run\'s artifact through the REST API', async () => {
    behaviour = 'good'
    const files: Record<string, string> = {}
    for (const name of ['run.json', 'scores.json', 'results.jsonl']) files[name] = await readFile(join(baselineDir, name), 'utf8')
    const info = JSON.parse(files['run.json']!)
    api.state.runs.push({ id: 31, name: 'eval', event: 'push', status: 'completed', conclusion: 'success', head_branch: 'main', head_sha: main[2]!, created_at: '2025-01-02T00:00:00Z' })
    api.state.artifacts.push({ id: 77, name: baselineArtifactName(info.environment.hash, key), run_id: 31, zip: await zipFiles(files), created_at: '2025-01-02T00:00:00Z' })
    const run = await onPullRequest()
    expect(run.code, run.stdout).toBe(0)
    expect(run.outputs.verdict).toBe('pass')
    expect(run.stdout).toMatch(/Baseline from artifact: using/)
    expect(comments()[0]!.body).toMatch(/from the artifact/)
  })

  it('on a push to the default branch it stores the baseline (skipping services a local runner lacks) and does not comment', async () => {
    behaviour = 'good'
    const run = await runAction({
      inputs: { environment: 'evals/add', model: spec, 'github-token': 'ghs_test', 'leaderboard-branch': 'benchgen-data' },
      event: 'push',
      payload: { ref: 'refs/heads/main', after: main[2], repository: { full_name: 'octo/demo', default_branch: 'main' } },
      apiUrl: api.url,
      workspace,
      sha: main[2]!,
      ref: 'refs/heads/main'
    })
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toMatch(/Baseline in the Actions cache: not saved/)
    expect(run.stdout).toMatch(/Baseline artifact: not uploaded/)
    expect(Object.keys(api.state.comments)).toHaveLength(0)
    expect(api.state.checkRuns[0]).toMatchObject({ head_sha: main[2], conclusion: 'success' })
    // The leaderboard on the data branch now holds this model's run.
    expect(run.outputs['leaderboard-commit']).toMatch(/^[0-9a-f]{40}$/)
    const board = JSON.parse(api.git.readFile('benchgen-data', 'leaderboard.json')!)
    expect(JSON.stringify(board)).toContain(key)
    expect(api.git.readFile('benchgen-data', 'leaderboard.md')).toContain('fixture-add')
  })

  it('with comment-on-push, a push comments on the pull request the commit came from', async () => {
    behaviour = 'good'
    api.state.pulls[7]!.merge_commit_sha = main[2]!
    const run = await runAction({
      inputs: { environment: 'evals/add', model: spec, 'github-token': 'ghs_test', 'comment-on-push': 'true', 'save-baseline': 'false' },
      event: 'push',
      payload: { ref: 'refs/heads/main', after: main[2], repository: { full_name: 'octo/demo', default_branch: 'main' } },
      apiUrl: api.url,
      workspace,
      sha: main[2]!,
      ref: 'refs/heads/main'
    })
    expect(run.code, run.stdout).toBe(0)
    expect(comments()).toHaveLength(1)
    expect(comments()[0]!.body).toContain(commentMarker('eval', 'fixture-add', key))
  })

  it('post-comment mode (the fork-safe second phase) re-renders and posts the comment for the verified PR', async () => {
    behaviour = 'bad'
    const headDir = await mkdtemp(join(tmpdir(), 'benchgen-fork-'))
    const config = await parseModelSpec(spec)
    const client = createOpenAIClient(config)
    await runEvaluation({ environment: await loadEnvironment(join(workspace, 'evals', 'add'), { cacheDir: join(workspace, '.cache') }), outDir: headDir, client, model: { key, name: config.name, baseUrl: config.baseUrl, api: 'chat' }, progress: { silent: true } })
    await client.close?.()
    const files: Record<string, string> = { 'pr.json': JSON.stringify({ schemaVersion: 1, number: 7, headSha: feature[1] }) }
    for (const name of ['run.json', 'scores.json', 'results.jsonl']) files[name] = await readFile(join(headDir, name), 'utf8')
    for (const name of ['run.json', 'scores.json', 'results.jsonl']) files[`baseline/${name}`] = await readFile(join(baselineDir, name), 'utf8')
    files['pr.json'] = JSON.stringify({ schemaVersion: 1, number: 7, headSha: feature[1], baseline: { sha: main[2], description: 'main at @octocat' } })
    api.state.runs.push({ id: 55, name: 'eval', event: 'pull_request', status: 'completed', conclusion: 'success', head_branch: 'feature', head_sha: feature[1]!, created_at: '2025-01-03T00:00:00Z', head_repository: 'evil/demo' })
    api.state.artifacts.push({ id: 88, name: 'benchgen-pr-comment', run_id: 55, zip: await zipFiles(files), created_at: '2025-01-03T00:00:00Z' })
    const run = await runAction({
      inputs: { mode: 'post-comment', 'github-token': 'ghs_write' },
      event: 'workflow_run',
      payload: { action: 'completed', workflow_run: { id: 55, head_sha: feature[1], head_branch: 'feature', event: 'pull_request', conclusion: 'success', name: 'eval', head_repository: { full_name: 'evil/demo' } }, repository: { full_name: 'octo/demo', default_branch: 'main' } },
      apiUrl: api.url,
      workspace,
      sha: main[2]!,
      ref: 'refs/heads/main'
    })
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(comments()).toHaveLength(1)
    expect(comments()[0]!.body).toContain('REGRESSED')
    expect(comments()[0]!.body).not.toMatch(/(^|[^\u200b;])@octocat/)
    expect(api.state.checkRuns[0]).toMatchObject({ head_sha: feature[1], conclusion: 'failure' })
  })
})
