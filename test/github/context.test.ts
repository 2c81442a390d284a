import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGitHubContext, readGitHubContext } from '../../src/github/context.js'
import { BenchgenError, ValidationError } from '../../src/errors.js'
import { tempDir } from './fixtures.js'

const HEAD = '6dcb09b5b57875f334f61aebed695e2e4193db5e'
const BASE = '9049f1265b7d61be4a8904a9a27120d2064dab3b'
const MERGE = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e'

/** Shaped like the payload GitHub writes for `pull_request` (opened) from a fork, trimmed of URLs. */
function forkPullRequestPayload() {
  const user = (login: string, id: number) => ({ login, id, node_id: `U_${id}`, type: 'User', site_admin: false, html_url: `https://github.com/${login}` })
  const base = { id: 1296269, node_id: 'R_1', name: 'demo', full_name: 'octo/demo', private: false, owner: user('octo', 1), fork: false, default_branch: 'main', visibility: 'public' }
  return {
    action: 'opened',
    number: 42,
    pull_request: {
      url: 'https://api.github.com/repos/octo/demo/pulls/42',
      id: 1,
      node_id: 'PR_1',
      html_url: 'https://github.com/octo/demo/pull/42',
      number: 42,
      state: 'open',
      locked: false,
      title: 'Tune the prompt template',
      user: user('contributor', 2),
      body: 'Please evaluate @octo #1',
      labels: [
        { id: 208045946, node_id: 'L_1', name: 'bug', color: 'f29513', default: true, description: "Something isn't working" },
        { id: 208045947, node_id: 'L_2', name: 'accept-regression', color: 'ededed', default: false, description: null }
      ],
      created_at: '2025-03-04T10:00:00Z',
      updated_at: '2025-03-04T10:00:00Z',
      merge_commit_sha: MERGE,
      draft: false,
      head: {
        label: 'contributor:prompt-tuning',
        ref: 'prompt-tuning',
        sha: HEAD,
        user: user('contributor', 2),
        repo: { ...base, id: 99, node_id: 'R_99', full_name: 'contributor/demo', owner: user('contributor', 2), fork: true }
      },
      base: { label: 'octo:main', ref: 'main', sha: BASE, user: user('octo', 1), repo: base },
      author_association: 'CONTRIBUTOR',
      merged: false,
      mergeable: null,
      commits: 3,
      additions: 10,
      deletions: 2,
      changed_files: 1
    },
    repository: base,
    sender: user('contributor', 2)
  }
}

function env(over: Record<string, string>): NodeJS.ProcessEnv {
  return {
    GITHUB_REPOSITORY: 'octo/demo',
    GITHUB_SHA: MERGE,
    GITHUB_REF: 'refs/pull/42/merge',
    GITHUB_WORKFLOW: 'Evals',
    GITHUB_WORKFLOW_REF: 'octo/demo/.github/workflows/evals.yml@refs/pull/42/merge',
    GITHUB_RUN_ID: '7012345678',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_ACTOR: 'contributor',
    ...over
  }
}

describe('readGitHubContext', () => {
  it('reads a pull_request event from a fork, payload file and all', async () => {
    const dir = await tempDir()
    const path = join(dir, 'event.json')
    await writeFile(path, JSON.stringify(forkPullRequestPayload(), null, 2))
    const context = readGitHubContext(env({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path }))

    expect(context).toMatchObject({
      event: 'pull_request',
      repo: { owner: 'octo', repo: 'demo' },
      sha: MERGE,
      ref: 'refs/pull/42/merge',
      workflow: 'Evals',
      runId: 7012345678,
      runAttempt: 2,
      runUrl: 'https://github.com/octo/demo/actions/runs/7012345678',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      defaultBranch: 'main',
      isDefaultBranchPush: false,
      pullRequest: {
        number: 42,
        headSha: HEAD,
        headRef: 'prompt-tuning',
        headRepo: 'contributor/demo',
        baseRef: 'main',
        baseSha: BASE,
        labels: ['bug', 'accept-regression'],
        isFork: true
      }
    })
    expect(context.workflowRun).toBeUndefined()
    expect((context.payload as { action: string }).action).toBe('opened')
  })

  it('a PR from a branch of the same repository is not a fork; a deleted fork is', () => {
    const payload = forkPullRequestPayload()
    payload.pull_request.head.repo = { ...payload.pull_request.base.repo, fork: false }
    expect(parseGitHubContext(env({ GITHUB_EVENT_NAME: 'pull_request' }), payload).pullRequest?.isFork).toBe(false)
    const deleted = { ...forkPullRequestPayload(), pull_request: { ...forkPullRequestPayload().pull_request, head: { ...forkPullRequestPayload().pull_request.head, repo: null } } }
    const context = parseGitHubContext(env({ GITHUB_EVENT_NAME: 'pull_request_target' }), deleted)
    expect(context.pullRequest).toMatchObject({ isFork: true, headRepo: '' })
  })

  it.each([
    ['refs/heads/main', true],
    ['refs/heads/feature', false],
    ['refs/tags/v1', false]
  ])('push to %s: isDefaultBranchPush %s', (ref, expected) => {
    const context = parseGitHubContext(env({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: ref, GITHUB_SHA: HEAD }), { ref, after: HEAD, repository: { full_name: 'octo/demo', default_branch: 'main' } })
    expect(context.isDefaultBranchPush).toBe(expected)
    expect(context.pullRequest).toBeUndefined()
  })

  it('reads the triggering run of a workflow_run event', () => {
    const payload = {
      action: 'completed',
      workflow_run: { id: 555, name: 'Evals', head_sha: HEAD, head_branch: 'prompt-tuning', event: 'pull_request', conclusion: 'success', head_repository: { full_name: 'contributor/demo' }, pull_requests: [] },
      repository: { full_name: 'octo/demo', default_branch: 'main' }
    }
    const context = parseGitHubContext(env({ GITHUB_EVENT_NAME: 'workflow_run', GITHUB_REF: 'refs/heads/main' }), payload)
    expect(context.workflowRun).toEqual({ id: 555, headSha: HEAD, headBranch: 'prompt-tuning', headRepo: 'contributor/demo', event: 'pull_request', conclusion: 'success' })
    expect(context.isDefaultBranchPush).toBe(false)
  })

  it('defaults the URLs, strips trailing slashes (GHES) and tolerates a missing payload file variable', () => {
    const context = readGitHubContext({ GITHUB_REPOSITORY: 'octo/demo', GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GITHUB_SERVER_URL: 'https://ghe.example.com/' })
    expect(context).toMatchObject({ apiUrl: 'https://ghe.example.com/api/v3', serverUrl: 'https://ghe.example.com', event: '', runId: 0, payload: {} })
    expect(readGitHubContext({ GITHUB_REPOSITORY: 'octo/demo' }).apiUrl).toBe('https://api.github.com')
  })

  it('says what is wrong outside Actions or with a broken payload', async () => {
    expect(() => readGitHubContext({})).toThrow(BenchgenError)
    expect(() => readGitHubContext({})).toThrow(/GITHUB_REPOSITORY is not set; expected OWNER\/REPO/)
    const dir = await tempDir()
    const path = join(dir, 'event.json')
    await writeFile(path, '{"pull_request": ')
    expect(() => readGitHubContext(env({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path }))).toThrow(ValidationError)
    expect(() => readGitHubContext(env({ GITHUB_EVENT_PATH: join(dir, 'missing.json') }))).toThrow(/Cannot read the event payload/)
    expect(() => parseGitHubContext(env({ GITHUB_EVENT_NAME: 'pull_request' }), { pull_request: { number: 'x' } })).toThrow(/pull_request\.number/)
  })
})
