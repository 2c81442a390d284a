/**
 * The `custom` scorer: an ES module shipped inside the environment, for checks no built-in
 * scorer expresses. It exports `score({ response, target, case })` (or a default function) that
 * returns, or resolves to, a number in [0, 1], a boolean, or `{ value, passed?, extracted?, reason? }`.
 */
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { ValidationError, describeError } from '../errors.js'
import type { EnvCase, Target } from '../environment/types.js'
import type { Score } from './types.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { unitInterval } from './_util.js'

/** What a custom module's score function receives. */
export interface CustomScoreArgs {
  /** The answer: the response, or what `extract` took from it. */
  response: string
  target: Target
  /** A copy of the case, so a module cannot change what later scorers and the record see. */
  case: EnvCase
}

/** A custom module's score function. */
export type CustomScoreFn = (args: CustomScoreArgs) => unknown

const unit = z.number().min(0).max(1)

/** What a custom score function may return. */
export const CustomResult = z.union([
  z.boolean(),
  unit,
  z
    .object({
      value: z.union([unit, z.boolean()]),
      passed: z.boolean().optional(),
      extracted: z.string().nullable().optional(),
      reason: z.string().optional()
    })
    .strict()
])

/** How long one call may take; a promise that never settles must not stall the run. */
export const CUSTOM_SCORE_TIMEOUT_MS = 60_000

/**
 * Load `file` (relative to `root`) and return its score function. Throws a ValidationError when
 * the file is missing, escapes `root` (also through a symlink), fails to load, or exports no
 * function: these are environment mistakes, better reported once than on every case.
 */
export async function loadCustomScorer(root: string, file: string): Promise<CustomScoreFn> {
  const fail = (message: string, hint?: string, cause?: unknown): ValidationError =>
    new ValidationError([{ field: 'path', message, ...(hint ? { hint } : {}) }], undefined, { cause })
  let real: string
  let realRoot: string
  try {
    realRoot = await realpath(root)
    real = await realpath(path.resolve(root, file))
  } catch (error) {
    throw fail(`custom scorer ${file} not found in ${root}`, 'the path is relative to the folder holding environment.yaml', error)
  }
  const relative = path.relative(realRoot, real)
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw fail(`custom scorer ${file} resolves outside the environment (${real})`)
  if (!(await stat(real)).isFile()) throw fail(`custom scorer ${file} is not a file`)
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(real).href)) as Record<string, unknown>
  } catch (error) {
    throw fail(`custom scorer ${file} failed to load: ${describeError(error)}`, 'it must be an ES module (.mjs, or .js in a "type": "module" package)', error)
  }
  const fromDefault = mod.default as { score?: unknown } | undefined
  const fn = typeof mod.score === 'function' ? mod.score : typeof mod.default === 'function' ? mod.default : fromDefault?.score
  if (typeof fn !== 'function') {
    throw fail(`custom scorer ${file} exports no score function`, 'add `export function score({ response, target, case }) { … }` or a default export')
  }
  return fn as CustomScoreFn
}

/**
 * Turn what a custom function returned into a Score. A number is the value and passes at 1; a
 * boolean is 1 or 0; an object's `passed` defaults to `value === 1` and its `extracted` to the
 * answer. Anything else is a failed Score saying what was returned.
 */
export function toScore(result: unknown, answer: string, file: string): Score {
  const parsed = CustomResult.safeParse(result)
  if (!parsed.success) {
    const shown = showValue(result)
    return {
      value: 0,
      passed: false,
      extracted: answer,
      reason: `custom scorer ${file} returned ${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown}: expected a number in [0, 1], a boolean or {value, passed?, extracted?, reason?} (${parsed.error.issues[0]?.message ?? 'invalid'})`
    }
  }
  const r = parsed.data
  if (typeof r === 'boolean') return { value: r ? 1 : 0, passed: r, extracted: answer, reason: r ? 'custom scorer: passed' : 'custom scorer: failed' }
  if (typeof r === 'number') return { value: r, passed: r === 1, extracted: answer, reason: `custom scorer: ${r}` }
  const value = unitInterval(typeof r.value === 'boolean' ? (r.value ? 1 : 0) : r.value)
  const passed = r.passed ?? value === 1
  return { value, passed, extracted: r.extracted === undefined ? answer : r.extracted, reason: r.reason ?? `custom scorer: ${value}` }
}

function showValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  // JSON.stringify gives undefined for functions and throws for cycles; describeError covers the rest.
  return (describeError(value) as string | undefined) ?? String(value)
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms)
    // An abandoned call must not keep the process alive after the run ends.
    timer.unref?.()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Runs the module at `path` (inside the environment root) on each answer. The module is loaded
 * once, when the scorer is built. A call that throws, rejects, times out or returns something
 * invalid yields a failed Score whose reason says so; it never stops the run.
 */
export const customScorer: ScorerFactory<'custom'> = async (config, ctx) => {
  const fn = await loadCustomScorer(ctx.root, config.path)
  return withExtract(config.extract, async (answer, input) => {
    try {
      const args: CustomScoreArgs = { response: answer, target: structuredClone(input.target), case: structuredClone(input.case) }
      const result = await withTimeout(Promise.resolve().then(() => fn(args)), CUSTOM_SCORE_TIMEOUT_MS, `custom scorer ${config.path}`)
      return toScore(result, answer, config.path)
    } catch (error) {
      return { value: 0, passed: false, extracted: answer, reason: `custom scorer ${config.path} threw: ${describeError(error)}` }
    }
  })
}
