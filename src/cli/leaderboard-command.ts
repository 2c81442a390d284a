/**
 * `benchgen leaderboard add RUN_DIR… --file F` and `benchgen leaderboard show --file F`: keep a
 * leaderboard file from run folders and render it as markdown or a self-contained HTML page.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { ValidationError } from '../errors.js'
import { sanitizeText } from '../github/escape.js'
import { applyRun, rank, type AddRunStatus, type LeaderboardRun } from '../leaderboard/board.js'
import { readLeaderboardFile, writeLeaderboardFile } from '../leaderboard/file.js'
import { renderLeaderboardHtml } from '../leaderboard/html.js'
import { leaderboardMarkdown } from '../leaderboard/markdown.js'
import type { LeaderboardPolicy } from '../leaderboard/schema.js'
import { formatMetric } from '../report/format.js'
import { readRunFolder } from '../run/run-folder.js'
import { write } from './io.js'
import type { CliIo } from './io.js'
import { positiveInt } from './options.js'

export interface LeaderboardAddFlags {
  file: string
  policy?: LeaderboardPolicy
  maxHistory?: number
  runId?: string
  runUrl?: string
}

export interface LeaderboardShowFlags {
  file: string
  markdown?: string
  html?: string
  env?: string
  title?: string
}

export function registerLeaderboard(program: Command, io: CliIo): void {
  const leaderboard = program.command('leaderboard').description('Keep a leaderboard of runs (per environment, the best or latest run of each model) and render it')
  leaderboard
    .command('add')
    .description('Record run folders on a leaderboard file (created when missing)')
    .argument('<run-dir...>', 'run folders written by benchgen run')
    .requiredOption('--file <path>', 'the leaderboard file, e.g. leaderboard.json')
    .addOption(new Option('--policy <policy>', "which run of each model is shown (default: the file's policy, else best)").choices(['best', 'latest']))
    .option('--max-history <n>', 'runs kept in each model\'s history (default 50)', positiveInt('--max-history'))
    .option('--run-id <id>', 'the CI run that produced the runs (default in GitHub Actions: GITHUB_RUN_ID)')
    .option('--run-url <url>', 'a link to that CI run (default in GitHub Actions: the workflow run page)')
    .action(async (dirs: string[], flags: LeaderboardAddFlags) => {
      await leaderboardAdd(dirs, flags, io)
    })
  leaderboard
    .command('show')
    .description('Render a leaderboard file as markdown (stdout by default) and/or an HTML page')
    .requiredOption('--file <path>', 'the leaderboard file')
    .option('--markdown <path>', 'write the markdown to this file instead of stdout')
    .option('--html <path>', 'write a self-contained HTML page with sortable columns')
    .option('--env <name>', 'only this environment')
    .option('--title <text>', 'the heading (default Leaderboard)')
    .action(async (flags: LeaderboardShowFlags) => {
      await leaderboardShow(flags, io)
    })
}

const STATUS_TEXT: Record<AddRunStatus, string> = {
  added: 'added',
  replaced: 'now shown',
  kept: 'recorded in history; another run stays shown',
  duplicate: 'already on the board, unchanged'
}

/** Read each run folder, apply it to the board and write the file once. */
export async function leaderboardAdd(dirs: string[], flags: LeaderboardAddFlags, io: CliIo): Promise<void> {
  const file = resolve(io.cwd, flags.file)
  let board = await readLeaderboardFile(file, { missingOk: true })
  const ci = ciRun(flags, io.env)
  const lines: string[] = []
  for (const dir of dirs) {
    const folder = await readRunFolder(resolve(io.cwd, dir))
    const run: LeaderboardRun = { info: folder.info, scores: folder.scores, ...ci }
    const result = applyRun(board, run, { ...(flags.policy ? { policy: flags.policy } : {}), ...(flags.maxHistory ? { maxHistory: flags.maxHistory } : {}) })
    board = result.board
    const env = run.info.environment.name
    const row = rank(board, { env })[0]?.rows.find((r) => r.modelKey === result.entry.modelKey)
    const position = row ? ` (model ranks ${row.rank} of ${rank(board, { env })[0]!.rows.length})` : ''
    lines.push(`${clean(env)}: ${clean(result.entry.modelName || result.entry.modelKey)} ${formatMetric(result.entry.score, 'fraction')} — ${STATUS_TEXT[result.status]}${position}`)
  }
  await writeLeaderboardFile(file, board)
  write(io.stdout, [...lines, `Wrote ${file} (policy: ${board.policy})`].join('\n'))
}

/** Render the board: markdown to stdout or a file, HTML to a file. */
export async function leaderboardShow(flags: LeaderboardShowFlags, io: CliIo): Promise<void> {
  const file = resolve(io.cwd, flags.file)
  const board = await readLeaderboardFile(file)
  if (flags.env !== undefined && !Object.hasOwn(board.environments, flags.env)) {
    const known = Object.keys(board.environments).sort()
    throw new ValidationError([{ file, message: `has no environment "${clean(flags.env)}"`, hint: known.length ? `it has: ${known.map(clean).join(', ')}` : 'it has no runs yet' }])
  }
  const options = { ...(flags.env !== undefined ? { env: flags.env } : {}), ...(flags.title !== undefined ? { title: flags.title } : {}) }
  const markdown = leaderboardMarkdown(board, options)
  if (flags.markdown) {
    await writeFile(resolve(io.cwd, flags.markdown), markdown)
    write(io.stderr, `Wrote ${resolve(io.cwd, flags.markdown)}`)
  }
  if (flags.html) {
    await writeFile(resolve(io.cwd, flags.html), renderLeaderboardHtml(board, options))
    write(io.stderr, `Wrote ${resolve(io.cwd, flags.html)}`)
  }
  if (!flags.markdown && !flags.html) write(io.stdout, markdown)
}

/** The CI run to record: the flags, else (inside GitHub Actions) the workflow run. */
function ciRun(flags: LeaderboardAddFlags, env: NodeJS.ProcessEnv): Pick<LeaderboardRun, 'runId' | 'runUrl'> {
  const inActions = env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
  const runId = flags.runId ?? (inActions ? env.GITHUB_RUN_ID : undefined)
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const runUrl = flags.runUrl ?? (inActions ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined)
  return { ...(runId ? { runId } : {}), ...(runUrl ? { runUrl } : {}) }
}

/** Names from run files, made safe for a terminal (no control sequences) and short. */
function clean(text: string): string {
  const safe = sanitizeText(text).replace(/\s+/g, ' ')
  return safe.length > 80 ? `${safe.slice(0, 79)}…` : safe
}
