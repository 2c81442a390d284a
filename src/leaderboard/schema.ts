/**
 * `leaderboard.json`: per environment (keyed by name), the chosen run of each model (the best or
 * the latest, see board.ts) and a bounded history of its runs. The zod schema is the single
 * source of truth; the types are inferred from it.
 *
 * Numbers follow scores.json: scores are fractions (0.6058), latency in milliseconds, cost in USD.
 * A metric the run did not report is `null`, never a made-up 0.
 */
import { z } from 'zod'
import { ValidationError } from '../errors.js'

/** The version this code writes and reads. A file with another version is refused with a hint. */
export const LEADERBOARD_SCHEMA_VERSION = 1

/** How each model's shown run is chosen: its highest score, or its most recent run. */
export const LeaderboardPolicy = z.enum(['best', 'latest'])
export type LeaderboardPolicy = z.infer<typeof LeaderboardPolicy>

const metric = z.number().nullable()

/** One run of one model on one environment, as the leaderboard records it. */
export const LeaderboardEntry = z.object({
  /**
   * Identity of the run (see `runId()` in board.ts): adding the same run folder twice, or
   * retrying a data-branch write that in fact landed, leaves the board unchanged.
   */
  id: z.string().min(1),
  modelKey: z.string().min(1),
  modelName: z.string(),
  /** The environment's content hash when this run was made. */
  envHash: z.string(),
  envVersion: z.string(),
  /**
   * True when `envHash` differs from the environment's newest hash (the hash of its most recent
   * run): the run scored other data or scorers, so it may not be comparable with the others.
   * Recomputed by every `addRun`.
   */
  hashChanged: z.boolean().default(false),
  score: metric,
  /** The 95% interval of `score`. */
  scoreCiLow: metric,
  scoreCiHigh: metric,
  accuracy: metric,
  answerRate: metric,
  costUsd: metric,
  latencyP50Ms: metric,
  /** Cases scored (scores.json `n`, else run.json `cases`). */
  cases: z.number().int().nonnegative(),
  /** When the run ended (its start when it has no end), ISO 8601. */
  date: z.string(),
  commitSha: z.string().optional(),
  /** The git ref the run was made on, e.g. `refs/heads/main`. */
  ref: z.string().optional(),
  /** The CI run that produced it (e.g. a GitHub Actions run id), when known. */
  runId: z.string().optional(),
  /** A link to that CI run, when known. */
  runUrl: z.string().optional()
})
export type LeaderboardEntry = z.infer<typeof LeaderboardEntry>

/** One model on one environment: the run shown, and its recent runs newest first. */
export const ModelStanding = z.object({
  /** The model's display name, from its newest run. */
  name: z.string(),
  /** The run the leaderboard shows for this model, chosen by the policy. */
  current: LeaderboardEntry,
  /** Recent runs, newest first, at most `maxHistory` (default 50) of them. */
  history: z.array(LeaderboardEntry)
})
export type ModelStanding = z.infer<typeof ModelStanding>

/** One environment's board. */
export const EnvironmentBoard = z.object({
  /** The hash of the environment's most recent run (by run date); entries differing are flagged. */
  hash: z.string(),
  /** The version of that run. */
  version: z.string(),
  /** The date of that run. */
  date: z.string(),
  /** Keyed by model key. */
  models: z.record(z.string(), ModelStanding)
})
export type EnvironmentBoard = z.infer<typeof EnvironmentBoard>

/** The whole file. */
export const Leaderboard = z.object({
  schemaVersion: z.literal(LEADERBOARD_SCHEMA_VERSION),
  /** The policy of the last `addRun`; `benchgen leaderboard add` keeps it when --policy is not given. */
  policy: LeaderboardPolicy.default('best'),
  /** Keyed by environment name. */
  environments: z.record(z.string(), EnvironmentBoard)
})
export type Leaderboard = z.infer<typeof Leaderboard>

/** A board with no environments. */
export function emptyLeaderboard(policy: LeaderboardPolicy = 'best'): Leaderboard {
  return { schemaVersion: LEADERBOARD_SCHEMA_VERSION, policy, environments: {} }
}

/**
 * Parse `leaderboard.json` text. Throws a ValidationError naming `file`, listing every problem
 * (field path and message), with a hint for a file from another version of the tool.
 */
export function parseLeaderboard(text: string, file = 'leaderboard.json'): Leaderboard {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (cause) {
    throw new ValidationError([{ file, message: 'is not valid JSON', hint: 'fix or delete the file; `benchgen leaderboard add` starts a new one' }], undefined, { cause })
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined
  if (typeof version === 'number' && version !== LEADERBOARD_SCHEMA_VERSION) {
    throw new ValidationError([
      { file, field: 'schemaVersion', message: `is ${version}; this benchgen reads version ${LEADERBOARD_SCHEMA_VERSION}`, hint: version > LEADERBOARD_SCHEMA_VERSION ? 'upgrade benchgen-eval' : 'rebuild the leaderboard from its run folders' }
    ])
  }
  const result = Leaderboard.safeParse(raw)
  if (!result.success) {
    throw new ValidationError(
      result.error.issues.map((issue) => ({ file, field: issue.path.join('.') || undefined, message: issue.message })),
      `${file} is not a leaderboard file:`
    )
  }
  return result.data
}

/**
 * The file's text: pretty JSON with a trailing newline, environments and models in key order so
 * two writers of the same board produce the same bytes (and the data branch's diffs stay small).
 */
export function serializeLeaderboard(board: Leaderboard): string {
  const environments: Record<string, EnvironmentBoard> = {}
  for (const name of Object.keys(board.environments).sort()) {
    const env = board.environments[name]!
    const models: Record<string, ModelStanding> = {}
    for (const key of Object.keys(env.models).sort()) models[key] = env.models[key]!
    environments[name] = { ...env, models }
  }
  return `${JSON.stringify({ ...board, environments }, null, 2)}\n`
}

/** JSON Schema of the file, for editors and other tools (generated from the zod schema). */
export function leaderboardJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(Leaderboard, { io: 'input' }), title: 'BenchGen Eval leaderboard (leaderboard.json)' }
}
