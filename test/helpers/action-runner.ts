/**
 * Runs the bundled action (`dist/index.js`) the way the Actions runner does: a node process with
 * INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, an event payload file and
 * GITHUB_API_URL pointing at a local server.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url))

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Workflow commands the action printed (`::error::…`, `::notice::…`). */
  commands: { command: string; message: string }[]
}

export interface ActionRunOptions {
  inputs: Record<string, string>
  event: string
  payload: unknown
  apiUrl: string
  workspace: string
  sha: string
  ref: string
  env?: NodeJS.ProcessEnv
}

/** The defaults of action.yml's inputs; expressions such as `${{ github.token }}` become ''. */
export async function actionDefaults(): Promise<Record<string, string>> {
  const manifest = parse(await readFile(fileURLToPath(new URL('../../action.yml', import.meta.url)), 'utf8')) as { inputs: Record<string, { default?: string }> }
  return Object.fromEntries(Object.entries(manifest.inputs).map(([name, input]) => [name, input.default === undefined || input.default.includes('${{') ? '' : String(input.default)]))
}

/** Parse GITHUB_OUTPUT's `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '')
    outputs[name as string] = value.join('\n')
  }
  return outputs
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run bundle first`)
  const dir = await mkdtemp(join(tmpdir(), 'benchgen-runner-'))
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md'), event: join(dir, 'event.json') }
  await writeFile(files.output, '')
  await writeFile(files.summary, '')
  await writeFile(files.event, JSON.stringify(options.payload))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'octo/demo',
    GITHUB_REPOSITORY_OWNER: 'octo',
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.ref,
    GITHUB_WORKFLOW: 'eval',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    BENCHGEN_CACHE_DIR: join(dir, 'cache'),
    ...options.env
  }
  // The runner sets every input declared in action.yml, with its default when the workflow gives none.
  const inputs = { ...(await actionDefaults()), ...options.inputs }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const child = spawn(process.execPath, [DIST], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const commands = [...stdout.matchAll(/^::(\w+)[^:]*::(.*)$/gm)].map((m) => ({ command: m[1] as string, message: (m[2] as string).replace(/%0A/g, '\n').replace(/%25/g, '%') }))
  return { code, stdout, stderr, outputs: parseOutputFile(await readFile(files.output, 'utf8')), summary: await readFile(files.summary, 'utf8'), commands }
}
