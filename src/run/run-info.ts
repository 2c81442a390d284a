/** `run.json`: what ran, with which settings, when. Never holds a secret. */
import { z } from 'zod'

export const RunSettings = z.object({
  phase: z.string(),
  limit: z.number().int().nullable(),
  concurrency: z.number().int(),
  timeoutMs: z.number().int(),
  maxRetries: z.number().int(),
  generation: z.record(z.string(), z.unknown())
})

export const RunInfo = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('benchgen-eval'), version: z.string() }),
  environment: z.object({
    name: z.string(),
    version: z.string(),
    hash: z.string(),
    source: z.object({ kind: z.string(), ref: z.string(), path: z.string().optional() })
  }),
  model: z.object({
    /** Stable key naming the model configuration, used to pair runs and baselines. */
    key: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    api: z.enum(['chat', 'completions']),
    /** Extra request fields from the model file, when any. */
    extraBody: z.record(z.string(), z.unknown()).optional()
  }),
  settings: RunSettings,
  /** sha256 of the settings that change results; a resume requires the same fingerprint. */
  fingerprint: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  git: z.object({ sha: z.string().optional(), ref: z.string().optional() }).default({}),
  cases: z.number().int()
})

export type RunSettings = z.infer<typeof RunSettings>
export type RunInfo = z.infer<typeof RunInfo>
