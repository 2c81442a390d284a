/**
 * Writes the JSON Schemas under schema/ from the zod schemas (the single source of truth) of every
 * file format: environment.yaml, model files, run.json, results.jsonl records, leaderboard.json.
 * Editors validate and complete files with them. With `--check`, writes nothing and exits 1 when a
 * committed file differs from what the schemas generate (for CI).
 *
 *   npm run schema            # regenerate
 *   npm run schema -- --check # verify
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { Manifest } from '../src/environment/manifest.js'
import { leaderboardJsonSchema } from '../src/leaderboard/schema.js'
import { ModelConfig } from '../src/model/config.js'
import { CaseRecord } from '../src/run/record.js'
import { RunInfo } from '../src/run/run-info.js'

/** The schema file's text: pretty JSON with a trailing newline, as committed. */
export function environmentSchemaText(): string {
  const schema = {
    ...z.toJSONSchema(Manifest, { io: 'input' }),
    title: 'BenchGen Eval environment manifest (environment.yaml)'
  }
  return `${JSON.stringify(schema, null, 2)}\n`
}

const pretty = (schema: object): string => `${JSON.stringify(schema, null, 2)}\n`

/** Every schema file: name under schema/ → its text. */
export function schemaFiles(): Record<string, string> {
  return {
    'environment.schema.json': environmentSchemaText(),
    'model.schema.json': pretty({ ...z.toJSONSchema(ModelConfig, { io: 'input' }), title: 'BenchGen Eval model file' }),
    'run.schema.json': pretty({ ...z.toJSONSchema(RunInfo, { io: 'input' }), title: 'BenchGen Eval run.json' }),
    'result-record.schema.json': pretty({ ...z.toJSONSchema(CaseRecord, { io: 'input' }), title: 'BenchGen Eval results.jsonl record' }),
    'leaderboard.schema.json': pretty(leaderboardJsonSchema())
  }
}

async function main(argv: string[]): Promise<number> {
  let stale = 0
  for (const [name, text] of Object.entries(schemaFiles())) {
    const target = fileURLToPath(new URL(`../schema/${name}`, import.meta.url))
    if (argv.includes('--check')) {
      const committed = await readFile(target, 'utf8').catch(() => undefined)
      if (committed === text) continue
      process.stderr.write(`${target} is ${committed === undefined ? 'missing' : 'out of date'}: run \`npm run schema\` and commit the result\n`)
      stale++
      continue
    }
    await writeFile(target, text)
    process.stdout.write(`wrote ${target}\n`)
  }
  return stale > 0 ? 1 : 0
}

// Run only when executed, not when imported (tests import environmentSchemaText).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    }
  )
}
