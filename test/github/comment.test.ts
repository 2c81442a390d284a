import { describe, expect, it } from 'vitest'
import { MAX_COMMENT_CHARS, commentMarker, fitCommentBody, upsertComment } from '../../src/github/comment.js'
import { closeOpenBlocks } from '../../src/github/fit.js'
import type { ServerComment } from '../helpers/github-api-server.js'
import { REPO, octokitFor , useGitHubApiServer } from './fixtures.js'

const MARKER = commentMarker('evals', 'arith', 'llama3.2-3b@127.0.0.1-11434')
const PR = 12

function comments(count: number, extra: Partial<Record<number, Partial<ServerComment>>> = {}): ServerComment[] {
  return Array.from({ length: count }, (_, i) => ({
    id: 5000 + i,
    body: `Looks good to me (${i + 1})`,
    user: { login: `reviewer${i % 3}`, type: 'User' as const },
    created_at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    updated_at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    ...extra[i + 1]
  }))
}

describe('upsertComment', () => {
  const server = useGitHubApiServer()

  it('finds the sticky comment on the 103rd comment (second page) and updates it in place', async () => {
    server().state.comments[PR] = comments(130, { 103: { body: `${MARKER}\nold report`, user: { login: 'github-actions[bot]', type: 'Bot' } } })
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'new report', mode: 'update' })

    expect(result).toMatchObject({ action: 'updated', id: 5102 })
    expect(result.url).toContain(`#issuecomment-5102`)
    const list = server().state.comments[PR]!
    expect(list).toHaveLength(130)
    expect(list[102]!.body).toBe(`${MARKER}\nnew report`)
    expect(list.filter((c) => c.body.includes(MARKER))).toHaveLength(1)
    const reads = server().requests.filter((r) => r.method === 'GET')
    expect(reads.map((r) => r.query.page ?? '1')).toEqual(['1', '2'])
    expect(reads.every((r) => r.query.per_page === '100')).toBe(true)
    expect(server().requests.filter((r) => r.method === 'POST')).toHaveLength(0)
  })

  it('never fills in a person\'s comment that carries the marker (they could edit the results afterwards)', async () => {
    server().state.comments[PR] = comments(3, { 2: { body: `${MARKER}\nfake results`, user: { login: 'mallory', type: 'User' } } })
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'real report', mode: 'update' })
    expect(result.action).toBe('created')
    const list = server().state.comments[PR]!
    expect(list[1]!.body).toBe(`${MARKER}\nfake results`)
    expect(list.at(-1)!.body).toBe(`${MARKER}\nreal report`)
  })

  it('creates the comment when no comment holds the marker, reading every page first', async () => {
    server().state.comments[PR] = comments(250)
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'report', mode: 'update' })

    expect(result.action).toBe('created')
    expect(server().state.comments[PR]).toHaveLength(251)
    expect(server().state.comments[PR]!.at(-1)).toMatchObject({ body: `${MARKER}\nreport`, user: { login: 'github-actions[bot]' } })
    expect(server().requests.filter((r) => r.method === 'GET')).toHaveLength(3)
  })

  it('running twice leaves one sticky comment', async () => {
    const octokit = octokitFor(server().url)
    await upsertComment(octokit, { repo: REPO, issueNumber: PR, marker: MARKER, body: 'first', mode: 'update' })
    const second = await upsertComment(octokit, { repo: REPO, issueNumber: PR, marker: MARKER, body: 'second', mode: 'update' })
    expect(second.action).toBe('updated')
    expect(server().state.comments[PR]!.map((c) => c.body)).toEqual([`${MARKER}\nsecond`])
  })

  it("'new' mode posts another comment without looking for the old one", async () => {
    server().state.comments[PR] = comments(3, { 2: { body: `${MARKER}\nold` } })
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'again', mode: 'new' })
    expect(result.action).toBe('created')
    expect(server().state.comments[PR]!.filter((c) => c.body.includes(MARKER))).toHaveLength(2)
    expect(server().requests.map((r) => r.method)).toEqual(['POST'])
  })

  it("'off' mode makes no request", async () => {
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'x', mode: 'off' })
    expect(result.action).toBe('skipped')
    expect(server().requests).toHaveLength(0)
  })

  it.each([
    ['a new comment', 0],
    ['an existing sticky comment', 1]
  ])('a read-only (fork) token is reported as forbidden when writing %s, not thrown', async (_label, existing) => {
    server().state.comments[PR] = comments(2, existing ? { 2: { body: `${MARKER}\nold` } } : {})
    server().state.forbid.comments = 'writes'
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'x', mode: 'update' })
    expect(result.action).toBe('forbidden')
    expect(result.reason).toContain('Resource not accessible by integration')
    expect(server().state.comments[PR]).toHaveLength(2)
  })

  it('a token that cannot even read comments (404) is forbidden too', async () => {
    server().state.forbid.comments = 'all'
    const result = await upsertComment(octokitFor(server().url), { repo: { owner: 'octo', repo: 'private' }, issueNumber: PR, marker: MARKER, body: 'x', mode: 'update' })
    expect(result.action).toBe('forbidden')
  })

  it('passes over a marked comment it may not edit (someone pasted the marker) and updates its own', async () => {
    server().state.comments[PR] = comments(4, {
      1: { body: `quoting ${MARKER}`, editable: false },
      3: { body: `${MARKER}\nours`, user: { login: 'github-actions[bot]', type: 'Bot' } }
    })
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'fresh', mode: 'update' })
    expect(result).toMatchObject({ action: 'updated', id: 5002 })
    expect(server().state.comments[PR]![0]!.body).toBe(`quoting ${MARKER}`)
  })

  it('with author set, only that login’s comment is a candidate', async () => {
    server().state.comments[PR] = comments(3, {
      1: { body: `${MARKER} by a human` },
      2: { body: `${MARKER}\nours`, user: { login: 'github-actions[bot]', type: 'Bot' } }
    })
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body: 'fresh', mode: 'update', author: 'github-actions[bot]' })
    expect(result).toMatchObject({ action: 'updated', id: 5001 })
    expect(server().state.comments[PR]![0]!.body).toBe(`${MARKER} by a human`)
  })

  it('cuts a body over 65,536 characters, keeps the marker, and GitHub (the server) accepts it', async () => {
    const row = '| case | expected | got |\n'
    const body = `## Report\n\n<details><summary>Regressed</summary>\n\n\`\`\`\`text\n${row.repeat(4000)}\`\`\`\`\n</details>\n`
    expect(body.length).toBeGreaterThan(MAX_COMMENT_CHARS)
    const result = await upsertComment(octokitFor(server().url), { repo: REPO, issueNumber: PR, marker: MARKER, body, mode: 'update' })
    expect(result.action).toBe('created')
    const posted = server().state.comments[PR]![0]!.body
    expect(posted.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS)
    expect(posted.startsWith(`${MARKER}\n## Report`)).toBe(true)
    expect(posted).toMatch(/cut to fit GitHub's 65,536-character limit \([\d,]+ characters left out\)/)
    // The cut fell inside the code block and the <details>: both are closed before the note.
    expect(posted).toMatch(/\n````\n<\/details>\n\n---\n_This comment was cut/)
  })
})

describe('commentMarker', () => {
  it.each([
    ['evals', 'gsm8k', 'my-model', '<!-- benchgen-eval:evals/gsm8k/my-model -->'],
    ['CI / Evals', 'arith', 'qwen@127.0.0.1-8000', '<!-- benchgen-eval:CI _ Evals/arith/qwen@127.0.0.1-8000 -->'],
    ['a-->b', 'x--y', 'z', '<!-- benchgen-eval:a-_b/x-y/z -->'],
    ['w', 'env<!--', 'm--', '<!-- benchgen-eval:w/env_/m -->'],
    ['', '', '', '<!-- benchgen-eval:_/_/_ -->'],
    ['multi\nline', 'e', 'm', '<!-- benchgen-eval:multi_line/e/m -->']
  ])('(%j, %j, %j) → %s', (workflow, env, model, expected) => {
    expect(commentMarker(workflow, env, model)).toBe(expected)
  })

  it('no part can end the HTML comment early or contain the separator', () => {
    const hostile = ['-->', '--!>', '/../', '--->x', '<!-- x -->', '\u2028']
    for (const part of hostile) {
      const marker = commentMarker(part, part, part)
      const inner = marker.slice('<!-- '.length, -' -->'.length)
      expect(inner).not.toContain('--')
      expect(inner).not.toContain('>')
      expect(inner.split('/')).toHaveLength(3)
    }
  })

  it('one model’s marker is not a substring of another’s', () => {
    const a = commentMarker('evals', 'arith', 'llama@127.0.0.1')
    const b = commentMarker('evals', 'arith', 'llama@127.0.0.1-8000')
    expect(b.includes(a)).toBe(false)
    expect(a.includes(b)).toBe(false)
  })
})

describe('fitCommentBody and closeOpenBlocks', () => {
  it('puts the marker first when the body lacks it and leaves short bodies alone', () => {
    expect(fitCommentBody('hello', MARKER)).toBe(`${MARKER}\nhello`)
    expect(fitCommentBody(`${MARKER}\nhello`, MARKER)).toBe(`${MARKER}\nhello`)
  })

  it('stays within the limit for any length', () => {
    for (const max of [300, 1000, 5000]) {
      const fitted = fitCommentBody('line of text\n'.repeat(1000), MARKER, max)
      expect(fitted.length).toBeLessThanOrEqual(max)
      expect(fitted.startsWith(MARKER)).toBe(true)
    }
  })

  it.each([
    ['plain text', 'a\nb', ''],
    ['an open backtick fence', 'x\n```text\ncode', '\n```'],
    ['an open longer fence', '`````\ncode with ``` inside', '\n`````'],
    ['a closed fence', '```\ncode\n```\nafter', ''],
    ['an open tilde fence', '~~~~\ncode', '\n~~~~'],
    ['an open details', '<details><summary>s</summary>\n\nbody', '\n</details>'],
    ['nested details, one closed', '<details>\n<details>\n</details>\n', '\n</details>'],
    ['details inside a fence do not count', '```\n<details>\n```\n', ''],
    ['a fence inside open details', '<details>\n\n```\ncode', '\n```\n</details>']
  ])('%s', (_label, text, expected) => {
    expect(closeOpenBlocks(text)).toBe(expected)
  })
})
