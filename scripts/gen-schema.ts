/**
 * Writes schema/environment.schema.json from the zod Manifest (the single source of truth), so
 * editors can validate and complete environment.yaml. With `--check`, writes nothing and exits 1
 * when the committed file differs from what the schema generates (for CI).
 *
 *   npm run schema            # regenerate
 *   npm run schema -- --check # verify
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { Manifest } from '../src/environment/manifest.js'

/** The schema file's text: pretty JSON with a trailing newline, as committed. */
export function environmentSchemaText(): string {
  const schema = {
    ...z.toJSONSchema(Manifest, { io: 'input' }),
    title: 'BenchGen Eval environment manifest (environment.yaml)'
  }
  return `${JSON.stringify(schema, null, 2)}\n`
}

async function main(argv: string[]): Promise<number> {
  const target = fileURLToPath(new URL('../schema/environment.schema.json', import.meta.url))
  const text = environmentSchemaText()
  if (argv.includes('--check')) {
    const committed = await readFile(target, 'utf8').catch(() => undefined)
    if (committed === text) return 0
    process.stderr.write(`${target} is ${committed === undefined ? 'missing' : 'out of date'}: run \`npm run schema\` and commit the result\n`)
    return 1
  }
  await writeFile(target, text)
  process.stdout.write(`wrote ${target}\n`)
  return 0
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
