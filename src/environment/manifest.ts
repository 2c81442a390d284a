/**
 * The environment manifest (`environment.yaml`, or `environment.json`): the single source of truth
 * for the format. Types are inferred from it, validation messages come from it and
 * `schema/environment.schema.json` is generated from it (`npm run schema`).
 */
import { z } from 'zod'

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(p) && !p.split(/[\\/]/).includes('..'), {
    message: 'must be a relative path inside the environment (no leading "/" and no "..")'
  })

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (run `sha256sum FILE`)')

export const DatasetFormat = z.enum(['jsonl', 'json', 'csv'])

/** Where rows come from: a file inside the environment, or a URL pinned by its sha256. */
export const DataSource = z
  .object({
    path: relativePath.optional().describe('File inside the environment, e.g. data/test.jsonl'),
    url: z.url().optional().describe('Download address; requires sha256'),
    sha256: sha256.optional().describe('sha256 of the downloaded bytes'),
    format: DatasetFormat.optional().describe('jsonl, json or csv; default from the file extension'),
    /** For JSON files whose rows sit under a key, e.g. `data` in `{"data": [...]}`. */
    rowsAt: z.string().optional().describe('Key of the array of rows inside a JSON file')
  })
  .strict()

/**
 * How a row's fields map to a case. Each value is a field name (dotted paths allowed) or a
 * template containing `{{ }}` evaluated over the row, as lm-evaluation-harness's doc_to_target.
 */
export const FieldMapping = z
  .object({
    input: z.string().default('input').describe('Field or template giving the case input'),
    target: z.string().default('target').describe('Field or template giving the expected output'),
    id: z.string().optional().describe('Field holding a stable case id; default: a hash of the row'),
    choices: z.string().optional().describe('Field holding the list of choices (multiple choice)'),
    tags: z.string().optional().describe('Field holding a tag or a list of tags, for per-tag breakdowns'),
    metadata: z.array(z.string()).default([]).describe('Fields copied into each record as metadata')
  })
  .strict()

export const Phase = DataSource.extend({
  description: z.string().optional(),
  /** A slice [start, end) of the phase's rows, for subsets of one file. */
  slice: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  /** Held-out phases are never exported as training data without an explicit flag. */
  heldOut: z.boolean().default(false)
}).strict()

export const FewShot = z
  .object({
    count: z.number().int().min(0).default(0),
    /** A phase name of this environment, or a file inside it. */
    phase: z.string().optional(),
    path: relativePath.optional(),
    seed: z.number().int().default(1234),
    /** `first_n` keeps file order (lm-eval's default for some tasks); `random` samples with the seed. */
    sampler: z.enum(['random', 'first_n']).default('random'),
    delimiter: z.string().default('\n\n'),
    /** Template of the answer shown after each example's prompt. */
    targetTemplate: z.string().default(' {{target}}'),
    /** `messages`: examples as user/assistant turns; `text`: concatenated into the user prompt. */
    as: z.enum(['messages', 'text']).default('messages')
  })
  .strict()

export const Generation = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    top_p: z.number().min(0).max(1).optional(),
    stop: z.array(z.string()).max(4).optional(),
    seed: z.number().int().optional()
  })
  .strict()

export const Harness = z
  .object({
    type: z.enum(['single-turn']).default('single-turn'),
    /** `chat` uses /chat/completions; `completions` sends one prompt string to /completions. */
    api: z.enum(['chat', 'completions']).default('chat'),
    system: z.string().optional(),
    template: z.string().default('{{input}}'),
    fewshot: FewShot.optional(),
    generation: Generation.default({})
  })
  .strict()

/** Post-processing of a response before matching, with lm-eval's regex filter semantics. */
export const Extract = z
  .object({
    pattern: z.string().min(1),
    flags: z.string().regex(/^[imsu]*$/, 'only i, m, s and u flags are allowed').default(''),
    /** Capture group to keep; 0 is the whole match. With no group given, the first non-empty group. */
    group: z.number().int().min(0).optional(),
    /** Which match to keep: first, last, or an index (negative counts from the end). */
    select: z.union([z.enum(['first', 'last']), z.number().int()]).default('first'),
    /** Answer used when nothing matches (lm-eval uses "[invalid]"). */
    fallback: z.string().optional()
  })
  .strict()

export const Normalize = z
  .object({
    case: z.boolean().default(true).describe('Ignore letter case'),
    whitespace: z.boolean().default(true).describe('Trim and collapse whitespace'),
    punctuation: z.boolean().default(false).describe('Remove punctuation'),
    articles: z.boolean().default(false).describe('Remove a, an, the (SQuAD style)'),
    ignore: z.array(z.string()).default([]).describe('Regexes removed before comparing')
  })
  .strict()

const scorerBase = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'use letters, digits, "-", "_" or "."').optional(),
  weight: z.number().min(0).default(1),
  extract: Extract.optional()
}

export const Scorer = z.discriminatedUnion('type', [
  z.object({ ...scorerBase, type: z.literal('exact'), normalize: Normalize.default(Normalize.parse({})) }).strict(),
  z.object({ ...scorerBase, type: z.literal('includes'), normalize: Normalize.default(Normalize.parse({})) }).strict(),
  z.object({ ...scorerBase, type: z.literal('regex'), pattern: z.string().min(1), flags: z.string().default('') }).strict(),
  z
    .object({
      ...scorerBase,
      type: z.literal('numeric'),
      /** Absolute tolerance; relative tolerance applies on top when set. */
      tolerance: z.number().min(0).default(0),
      relativeTolerance: z.number().min(0).default(0)
    })
    .strict(),
  z
    .object({
      ...scorerBase,
      type: z.literal('choice'),
      /** Letters used for choices, in order. */
      letters: z.string().default('ABCDEFGHIJ')
    })
    .strict(),
  z.object({ ...scorerBase, type: z.literal('f1'), threshold: z.number().min(0).max(1).default(0.5) }).strict(),
  z
    .object({
      ...scorerBase,
      type: z.literal('constraints'),
      /** Field of the row holding the list of constraints to verify (instruction following). */
      field: z.string().default('constraints')
    })
    .strict(),
  z
    .object({
      ...scorerBase,
      type: z.literal('custom'),
      /** An ES module inside the environment exporting `score({response, target, case})`. */
      path: relativePath
    })
    .strict()
])

export const Scoring = z
  .object({
    scorers: z.array(Scorer).min(1, 'list at least one scorer'),
    /** The scorer whose value is the case's score, or `weighted` for the weighted mean of all. */
    primary: z.string().optional(),
    /** With `primary: weighted`, the score at or above which a case passes. */
    threshold: z.number().min(0).max(1).default(1)
  })
  .strict()

export const Manifest = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1, { error: 'schemaVersion must be 1 (the only version this tool reads)' }),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits, ".", "_" and "-"'),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'must be a semantic version such as 1.0.0'),
    description: z.string().default(''),
    license: z.string().optional(),
    tags: z.array(z.string()).default([]),
    dataset: DataSource.extend({ fields: FieldMapping.default(FieldMapping.parse({})) }).strict(),
    /** Named subsets. Without any, one phase `test` holds every row of `dataset`. */
    phases: z.record(z.string().regex(/^[a-z0-9_-]+$/i), Phase).optional(),
    /** Phase run when none is asked for; default `test` if it exists, else the first. */
    defaultPhase: z.string().optional(),
    harness: Harness.default(Harness.parse({})),
    scoring: Scoring
  })
  .strict()

export type Manifest = z.infer<typeof Manifest>
export type DataSource = z.infer<typeof DataSource>
export type FieldMapping = z.infer<typeof FieldMapping>
export type Phase = z.infer<typeof Phase>
export type FewShot = z.infer<typeof FewShot>
export type Generation = z.infer<typeof Generation>
export type Harness = z.infer<typeof Harness>
export type Extract = z.infer<typeof Extract>
export type Normalize = z.infer<typeof Normalize>
export type ScorerConfig = z.infer<typeof Scorer>
export type Scoring = z.infer<typeof Scoring>
