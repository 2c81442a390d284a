import { describe, expect, it } from 'vitest'
import { regressionAnnotations, type Annotation } from '../../src/github/annotations.js'
import { reportCheck } from '../../src/github/check.js'
import { REPO, caseRecord, octokitFor , useGitHubApiServer } from './fixtures.js'

const SHA = 'c0ffee0000000000000000000000000000000001'

function annotations(count: number): Annotation[] {
  return Array.from({ length: count }, (_, i) => ({ path: 'evals/arith/data/test.jsonl', startLine: i + 1, level: 'warning' as const, title: `Regressed: q${i + 1}`, message: 'Expected: 4\nGot: 5' }))
}

describe('reportCheck', () => {
  const server = useGitHubApiServer()

  it('creates a completed check run and sends 120 annotations in 3 requests of at most 50', async () => {
    const result = await reportCheck(octokitFor(server().url), {
      repo: REPO,
      sha: SHA,
      name: 'benchgen / arith',
      conclusion: 'failure',
      title: 'Score 71.0% (−4.0 points): regressed',
      summary: '## Regressed\n\n3 cases went from pass to fail.',
      text: 'details',
      annotations: annotations(120),
      detailsUrl: 'https://github.com/octo/demo/actions/runs/7'
    })

    expect(result).toMatchObject({ used: 'check', annotations: 120 })
    const writes = server().requests.filter((r) => r.method !== 'GET')
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/octo/demo/check-runs', `PATCH /repos/octo/demo/check-runs/${result.id}`, `PATCH /repos/octo/demo/check-runs/${result.id}`])
    const sizes = writes.map((r) => ((r.body as { output: { annotations: unknown[] } }).output.annotations ?? []).length)
    expect(sizes).toEqual([50, 50, 20])
    const [run] = server().state.checkRuns
    expect(run).toMatchObject({ head_sha: SHA, name: 'benchgen / arith', status: 'completed', conclusion: 'failure', details_url: 'https://github.com/octo/demo/actions/runs/7' })
    expect(run!.output.annotations.map((a) => a.start_line)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1))
    expect(run!.output.annotations[0]).toMatchObject({ path: 'evals/arith/data/test.jsonl', end_line: 1, annotation_level: 'warning', title: 'Regressed: q1' })
    expect(run!.output.title).toBe('Score 71.0% (−4.0 points): regressed')
    expect(run!.output.text).toBe('details')
    expect(server().state.statuses).toHaveLength(0)
  })

  it('without annotations makes exactly one request', async () => {
    const result = await reportCheck(octokitFor(server().url), { repo: REPO, sha: SHA, name: 'benchgen', conclusion: 'success', title: 'ok', summary: 'ok' })
    expect(result).toMatchObject({ used: 'check', annotations: 0 })
    expect(server().requests).toHaveLength(1)
  })

  it('cuts a summary over 65,535 characters so the API accepts it', async () => {
    const summary = `<details>\n\n\`\`\`\n${'x'.repeat(80)}\n`.repeat(1000)
    const result = await reportCheck(octokitFor(server().url), { repo: REPO, sha: SHA, name: 'benchgen', conclusion: 'neutral', title: 't', summary })
    expect(result.used).toBe('check')
    const stored = server().state.checkRuns[0]!.output.summary
    expect(stored.length).toBeLessThanOrEqual(65_535)
    expect(stored).toContain("Cut to fit the check run's size limit")
  })

  it('falls back to a commit status when the token cannot write checks', async () => {
    server().state.forbid.checks = 'writes'
    const title = `Score 71.0%: regressed by 4.0 points; ${'very long explanation '.repeat(10)}`
    const result = await reportCheck(octokitFor(server().url), {
      repo: REPO,
      sha: SHA,
      name: 'benchgen / arith',
      conclusion: 'failure',
      title,
      summary: 's',
      annotations: annotations(3),
      detailsUrl: 'https://github.com/octo/demo/actions/runs/7'
    })
    expect(result).toMatchObject({ used: 'status', annotations: 0 })
    expect(result.reason).toContain('check run refused')
    expect(server().state.checkRuns).toHaveLength(0)
    const [status] = server().state.statuses
    expect(status).toMatchObject({ sha: SHA, state: 'failure', context: 'benchgen / arith', target_url: 'https://github.com/octo/demo/actions/runs/7' })
    expect(status!.description!.length).toBe(140)
    expect(status!.description!.endsWith('…')).toBe(true)
  })

  it.each([
    ['success', 'success'],
    ['neutral', 'success'],
    ['failure', 'failure']
  ] as const)('maps conclusion %s to status state %s', async (conclusion, state) => {
    server().state.forbid.checks = 'all'
    await reportCheck(octokitFor(server().url), { repo: REPO, sha: SHA, name: 'b', conclusion, title: 't', summary: 's' })
    expect(server().state.statuses[0]!.state).toBe(state)
  })

  it('reports forbidden when both the check run and the status are refused', async () => {
    server().state.forbid.checks = 'writes'
    server().state.forbid.statuses = 'writes'
    const result = await reportCheck(octokitFor(server().url), { repo: REPO, sha: SHA, name: 'b', conclusion: 'failure', title: 't', summary: 's' })
    expect(result.used).toBe('forbidden')
    expect(result.reason).toMatch(/check run refused: .*; commit status refused: /)
    expect(server().state.statuses).toHaveLength(0)
  })
})

describe('regressionAnnotations', () => {
  it('points at the dataset line under the environment folder, with expected and got', () => {
    const record = caseRecord({ id: 'q0042', target: '4', extracted: '5', source: { file: 'data/test.jsonl', line: 42 } })
    expect(regressionAnnotations([record], 'evals/arith')).toEqual([
      { path: 'evals/arith/data/test.jsonl', startLine: 42, endLine: 42, level: 'warning', title: 'Regressed: q0042', message: 'Expected: 4\nGot: 5\nScore: 0' }
    ])
  })

  it.each([
    ['', 'data/test.jsonl'],
    ['.', 'data/test.jsonl'],
    ['./evals/arith/', 'evals/arith/data/test.jsonl'],
    ['evals\\arith', 'evals/arith/data/test.jsonl']
  ])('environment path %j gives %s', (envPath, expected) => {
    expect(regressionAnnotations([caseRecord()], envPath)[0]!.path).toBe(expected)
  })

  it('takes diff flips (the head record), skips cases without a line, shows errors and several targets', () => {
    const flips = [
      { head: caseRecord({ id: 'a', target: ['4', 'four'], status: 'error', error: { type: 'timeout', message: 'timed out after 60s' }, source: { file: 'd.jsonl', line: 3 } }) },
      { head: caseRecord({ id: 'b', source: { file: 'd.jsonl' } }) },
      { head: caseRecord({ id: 'c', source: undefined }) }
    ]
    const result = regressionAnnotations(flips, 'env')
    expect(result).toHaveLength(1)
    expect(result[0]!.message).toBe('Expected: 4 | four\nGot: error: timed out after 60s')
  })

  it('sanitizes and cuts hostile model output (plain text, so no escaping)', () => {
    const got = `\u202eevil\u0007 ${'y'.repeat(1000)}`
    const [annotation] = regressionAnnotations([caseRecord({ extracted: got })], 'env')
    expect(annotation!.message).not.toMatch(/[\u202e\u0007]/)
    expect(annotation!.message).toMatch(/… \(7\d\d more characters\)/)
    expect(annotation!.message.length).toBeLessThan(400)
  })
})
