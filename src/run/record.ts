/**
 * One line of `results.jsonl`: everything known about one case of one run. The schema is the
 * file format; readers (resume, score, compare, report, diff) parse through it.
 */
import { z } from 'zod'

export const ScoreRecord = z.object({
  value: z.number(),
  passed: z.boolean(),
  extracted: z.string().nullable(),
  reason: z.string()
})

export const CaseRecord = z.object({
  id: z.string(),
  phase: z.string(),
  index: z.number().int(),
  tags: z.array(z.string()).default([]),
  input: z.string(),
  target: z.union([z.string(), z.array(z.string())]),
  choices: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** Where the case's row is, relative to the environment root. */
  source: z.object({ file: z.string(), line: z.number().int().optional() }).optional(),
  /** What was sent: chat messages, or a prompt string for the completions API. */
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).optional(),
  prompt: z.string().optional(),
  response: z.string().nullable(),
  finishReason: z.string().optional(),
  /** The primary scorer's extracted answer. */
  extracted: z.string().nullable(),
  scores: z.record(z.string(), ScoreRecord),
  score: z.number(),
  status: z.enum(['pass', 'fail', 'error']),
  error: z.object({ type: z.string(), message: z.string(), status: z.number().optional() }).nullable(),
  attempts: z.number().int(),
  latencyMs: z.number(),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }).nullable(),
  costUsd: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string()
})

export type ScoreRecord = z.infer<typeof ScoreRecord>
export type CaseRecord = z.infer<typeof CaseRecord>
export type CaseStatus = CaseRecord['status']

/** One line of `predictions.jsonl`: what a model answered, re-scorable without the model. */
export const Prediction = z.object({
  id: z.string(),
  phase: z.string(),
  response: z.string().nullable(),
  error: z.string().nullable().default(null)
})
export type Prediction = z.infer<typeof Prediction>
