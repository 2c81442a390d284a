/**
 * The scorer registry: each manifest `type` maps to its factory, and buildScorers() turns a
 * manifest's `scoring` section into named, ready-to-call scorers.
 */
import type { ScorerConfig, Scoring } from '../environment/manifest.js'
import { ValidationError, describeError } from '../errors.js'
import type { Issue } from '../errors.js'
import type { Scorer } from './types.js'
import type { ScorerConfigOf, ScorerContext, ScorerFactory, ScorerType } from './factory.js'
import { choiceScorer } from './choice.js'
import { constraintsScorer } from './constraints.js'
import { customScorer } from './custom.js'
import { exactScorer } from './exact.js'
import { f1Scorer } from './f1.js'
import { includesScorer } from './includes.js'
import { numericScorer } from './numeric.js'
import { regexScorer } from './regex.js'

/** Every scorer type and its factory; the mapped type makes a missing type a compile error. */
export const SCORER_FACTORIES: { readonly [T in ScorerType]: ScorerFactory<T> } = {
  exact: exactScorer,
  includes: includesScorer,
  regex: regexScorer,
  numeric: numericScorer,
  choice: choiceScorer,
  f1: f1Scorer,
  constraints: constraintsScorer,
  custom: customScorer
}

/** The scorer types the registry knows, in manifest order. */
export const SCORER_TYPES = Object.keys(SCORER_FACTORIES) as ScorerType[]

/** The `primary` value that scores a case by the weighted mean of all scorers. */
export const WEIGHTED = 'weighted'

/**
 * The name of each scorer, in order: its `name`, else its `type`, else `type-2`, `type-3`… for
 * repeats. Explicit names are reserved first so a generated one never takes them. Throws a
 * ValidationError for duplicate names or the reserved name `weighted`.
 */
export function scorerNames(configs: readonly ScorerConfig[]): string[] {
  const issues: Issue[] = []
  const taken = new Set<string>()
  configs.forEach((c, i) => {
    if (c.name === undefined) return
    if (c.name === WEIGHTED) issues.push({ field: `scoring.scorers[${i}].name`, message: `"${WEIGHTED}" is reserved for primary: weighted`, hint: 'choose another name' })
    else if (taken.has(c.name)) issues.push({ field: `scoring.scorers[${i}].name`, message: `duplicate scorer name "${c.name}"`, hint: 'scorer names must be unique' })
    taken.add(c.name)
  })
  if (issues.length > 0) throw new ValidationError(issues)
  return configs.map((c) => {
    if (c.name !== undefined) return c.name
    let name: string = c.type
    for (let n = 2; taken.has(name); n++) name = `${c.type}-${n}`
    taken.add(name)
    return name
  })
}

function buildOne<T extends ScorerType>(config: ScorerConfigOf<T>, ctx: ScorerContext) {
  // TypeScript cannot correlate config.type with the factory's parameter, so the lookup is cast.
  const factory = SCORER_FACTORIES[config.type as T] as ScorerFactory<T>
  return factory(config, ctx)
}

/**
 * Build every scorer of a manifest's `scoring` section (already parsed by the Scoring schema).
 * Names follow scorerNames(); `primary`, when set, must be `weighted` or one of the names.
 * Collects every configuration problem (bad patterns, missing custom modules, unknown primary)
 * into one ValidationError whose fields read `scoring.scorers[i]…`.
 */
export async function buildScorers(scoring: Scoring, ctx: ScorerContext): Promise<Scorer[]> {
  const names = scorerNames(scoring.scorers)
  const issues: Issue[] = []
  if (scoring.primary !== undefined && scoring.primary !== WEIGHTED && !names.includes(scoring.primary)) {
    issues.push({ field: 'scoring.primary', message: `names no scorer: "${scoring.primary}"`, hint: `use "${WEIGHTED}" or one of ${names.map((n) => `"${n}"`).join(', ')}` })
  }
  // Built concurrently (custom modules load from disk); problems are listed in scorer order.
  const built = await Promise.all(
    scoring.scorers.map(async (config, i): Promise<Scorer | Issue[]> => {
      const field = `scoring.scorers[${i}]`
      try {
        const score = await buildOne(config, ctx)
        return { name: names[i] ?? config.type, type: config.type, weight: config.weight, score }
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((issue) => ({ ...issue, field: issue.field ? `${field}.${issue.field}` : field }))
        return [{ field, message: `could not build the ${config.type} scorer: ${describeError(error)}` }]
      }
    })
  )
  const scorers: Scorer[] = []
  for (const result of built) {
    if (Array.isArray(result)) issues.push(...result)
    else scorers.push(result)
  }
  if (issues.length > 0) throw new ValidationError(issues, `invalid scoring configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):`)
  return scorers
}
