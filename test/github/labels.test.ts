import { describe, expect, it } from 'vitest'
import { currentLabels, hasLabel } from '../../src/github/labels.js'
import { REPO, octokitFor , useGitHubApiServer } from './fixtures.js'

describe('labels', () => {
  const server = useGitHubApiServer()

  it('sees a label added after the event (a re-run), through the API', async () => {
    server().state.labels[42] = ['bug', 'Accept-Regression']
    const octokit = octokitFor(server().url)
    expect(await hasLabel(octokit, REPO, 42, 'accept-regression', ['bug'])).toBe(true)
    expect(await currentLabels(octokit, REPO, 42, ['bug'])).toEqual({ labels: ['bug', 'Accept-Regression'], source: 'api' })
  })

  it('sees a label removed after the event, through the API', async () => {
    server().state.labels[42] = []
    expect(await hasLabel(octokitFor(server().url), REPO, 42, 'accept-regression', ['accept-regression'])).toBe(false)
  })

  it('reads every page of labels', async () => {
    server().state.labels[42] = [...Array.from({ length: 120 }, (_, i) => `area/${i}`), 'accept-regression']
    expect(await hasLabel(octokitFor(server().url), REPO, 42, 'accept-regression', [])).toBe(true)
    expect(server().requests).toHaveLength(2)
  })

  it('falls back to the payload when the token may not read labels', async () => {
    server().state.forbid.labels = 'all'
    const octokit = octokitFor(server().url)
    expect(await currentLabels(octokit, REPO, 42, ['accept-regression'])).toEqual({ labels: ['accept-regression'], source: 'payload' })
    expect(await hasLabel(octokit, REPO, 42, 'accept-regression', ['accept-regression'])).toBe(true)
    expect(await hasLabel(octokit, REPO, 42, '  ', ['accept-regression'])).toBe(false)
  })
})
