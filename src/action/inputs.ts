/**
 * The action's inputs, read once and validated into typed settings. Every bad value fails with a
 * message naming the input and what it accepts.
 */
import { ValidationError } from '../errors.js'

export type BaselineSource = { kind: 'auto' | 'cache' | 'artifact' | 'none' } | { kind: 'path'; path: string }

export interface ActionInputs {
  environment: string
  model: string
  /** Model name for a bare base URL in `model`. */
  modelName: string
  apiKey: string
  phase?: string
  limit?: number
  concurrency: number
  timeoutMs: number
  retries: number
  baseline: BaselineSource
  saveBaseline: 'auto' | 'true' | 'false'
  /** Percentage points. */
  maxDrop: number
  /** Fraction. */
  minScore?: number
  significance: number
  failOnRegression: boolean
  noBaseline: 'pass' | 'fail'
  allowHashMismatch: boolean
  acknowledgeLabel: string
  comment: 'update' | 'new' | 'off'
  commentOnPush: boolean
  checkName: string
  artifactName: string
  artifactRetentionDays: number
  /** Data branch of the leaderboard; '' when none is kept. */
  leaderboardBranch: string
  leaderboardPolicy: 'best' | 'latest'
  mode: 'evaluate' | 'post-comment'
  githubToken: string
  workingDirectory: string
}

/** `getInput` as @actions/core defines it: trimmed, '' when absent. Injected for tests. */
export type GetInput = (name: string) => string

export function readInputs(getInput: GetInput): ActionInputs {
  const problems: string[] = []
  const problem = (name: string, message: string): void => {
    problems.push(`input "${name}" ${message}`)
  }
  const text = (name: string): string => getInput(name).trim()
  const required = (name: string): string => {
    const value = text(name)
    if (!value) problem(name, 'is required')
    return value
  }
  const number = (name: string, fallback: number, check: (n: number) => boolean, expected: string): number => {
    const raw = text(name)
    if (raw === '') return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || !check(n)) {
      problem(name, `must be ${expected} (got "${raw}")`)
      return fallback
    }
    return n
  }
  const optionalInt = (name: string): number | undefined => {
    const raw = text(name)
    if (raw === '') return undefined
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) {
      problem(name, `must be a whole number of at least 1 (got "${raw}")`)
      return undefined
    }
    return n
  }
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = text(name)
    if (raw === '') return fallback
    if (!(values as readonly string[]).includes(raw)) {
      problem(name, `must be one of ${values.join(', ')} (got "${raw}")`)
      return fallback
    }
    return raw as T
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = text(name).toLowerCase()
    if (raw === '') return fallback
    if (['true', 'yes', '1', 'on'].includes(raw)) return true
    if (['false', 'no', '0', 'off'].includes(raw)) return false
    problem(name, `must be true or false (got "${raw}")`)
    return fallback
  }
  const minScore = (): number | undefined => {
    const raw = text('min-score')
    if (raw === '') return undefined
    const n = Number(raw.replace(/%$/, ''))
    if (!Number.isFinite(n) || n < 0 || n > 100) {
      problem('min-score', `must be a fraction (0.6) or a percentage (60%) (got "${raw}")`)
      return undefined
    }
    return raw.endsWith('%') || n > 1 ? n / 100 : n
  }
  const baselineRaw = text('baseline') || 'auto'
  const baseline: BaselineSource = ['auto', 'cache', 'artifact', 'none'].includes(baselineRaw)
    ? { kind: baselineRaw as 'auto' | 'cache' | 'artifact' | 'none' }
    : { kind: 'path', path: baselineRaw }

  const mode = oneOf('mode', ['evaluate', 'post-comment'] as const, 'evaluate')
  const inputs: ActionInputs = {
    environment: mode === 'evaluate' ? required('environment') : text('environment'),
    model: mode === 'evaluate' ? required('model') : text('model'),
    modelName: text('model-name'),
    apiKey: getInput('api-key'),
    limit: optionalInt('limit'),
    concurrency: number('concurrency', 8, (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1'),
    timeoutMs: number('timeout', 60, (n) => n > 0, 'a number of seconds above 0') * 1000,
    retries: number('retries', 4, (n) => Number.isInteger(n) && n >= 0, 'a whole number of at least 0'),
    baseline,
    saveBaseline: oneOf('save-baseline', ['auto', 'true', 'false'] as const, 'auto'),
    maxDrop: number('max-drop', 1, (n) => n >= 0 && n <= 100, 'percentage points between 0 and 100'),
    minScore: minScore(),
    significance: number('significance', 0.05, (n) => n > 0 && n < 1, 'a level between 0 and 1, such as 0.05'),
    failOnRegression: bool('fail-on-regression', true),
    noBaseline: oneOf('no-baseline', ['pass', 'fail'] as const, 'pass'),
    allowHashMismatch: bool('allow-hash-mismatch', false),
    acknowledgeLabel: text('acknowledge-label'),
    comment: oneOf('comment', ['update', 'new', 'off'] as const, 'update'),
    commentOnPush: bool('comment-on-push', false),
    checkName: text('check-name'),
    artifactName: text('artifact-name'),
    artifactRetentionDays: number('artifact-retention-days', 30, (n) => Number.isInteger(n) && n >= 0 && n <= 90, 'a whole number of days from 0 to 90'),
    leaderboardBranch: text('leaderboard-branch'),
    leaderboardPolicy: oneOf('leaderboard-policy', ['best', 'latest'] as const, 'best'),
    mode,
    // An unexpanded `${{ github.token }}` (tools that run the action outside Actions) is no token.
    githubToken: text('github-token').startsWith('${{') ? '' : text('github-token'),
    workingDirectory: text('working-directory') || '.'
  }
  const phase = text('phase')
  if (phase) inputs.phase = phase
  if (inputs.limit === undefined) delete inputs.limit
  if (inputs.minScore === undefined) delete inputs.minScore
  if (problems.length > 0) throw new ValidationError(problems.map((message) => ({ message })), 'The action\'s inputs have problems:')
  return inputs
}
