/**
 * The action: reads inputs, runs the chosen mode, sets outputs and fails the step for any thrown
 * value. The only file that touches @actions/core; everything below receives plain functions.
 */
import * as core from '@actions/core'
import { describeError } from '../errors.js'
import { readGitHubContext } from '../github/context.js'
import { createOctokit } from '../github/octokit.js'
import { evaluate } from './evaluate.js'
import type { ActionReporter } from './evaluate.js'
import { readInputs } from './inputs.js'
import { postForkComment } from './post-comment.js'

const reporter: ActionReporter = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  notice: (message) => core.notice(message),
  setOutput: (name, value) => core.setOutput(name, value),
  summary: async (markdown) => {
    // No job summary outside a runner (e.g. a local run without GITHUB_STEP_SUMMARY).
    if (!process.env.GITHUB_STEP_SUMMARY) return
    await core.summary.addRaw(markdown, true).write()
  },
  setFailed: (message) => core.setFailed(message),
  group: (name, fn) => core.group(name, fn)
}

export async function run(): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name))
    if (inputs.apiKey) core.setSecret(inputs.apiKey)
    const context = readGitHubContext(process.env)
    const octokit = createOctokit(inputs.githubToken, context.apiUrl)
    const deps = { inputs, context, octokit, reporter, env: process.env }
    if (inputs.mode === 'post-comment') await postForkComment(deps)
    else await evaluate(deps)
  } catch (error) {
    // Workflows branching on the verdict see the failure, not a missing output.
    core.setOutput('verdict', 'error')
    core.setFailed(describeError(error))
    if (process.env.RUNNER_DEBUG === '1' && error instanceof Error && error.stack) core.debug(error.stack)
  }
}
