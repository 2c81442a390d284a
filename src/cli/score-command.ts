/** `benchgen score`: re-score a predictions file or a submission.zip without calling a model. */
import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { defaultCacheDir } from '../environment/cache-dir.js'
import { loadEnvironment } from '../environment/load.js'
import { runMarkdown } from '../report/markdown.js'
import { readSubmission, rescore } from '../run/rescore.js'
import { write } from './io.js'
import type { CliIo } from './io.js'

export function registerScore(program: Command, io: CliIo): void {
  program
    .command('score')
    .description('Re-score predictions.jsonl or submission.zip against an environment, offline')
    .argument('<predictions>', 'predictions.jsonl or submission.zip')
    .requiredOption('--env <ref>', 'the environment the predictions answer')
    .option('--out <dir>', 'run folder to write (default: benchgen-runs/ENV/rescored)')
    .option('--allow-hash-mismatch', 'score even when the submission names another environment hash')
    .option('--json', 'print scores.json to stdout')
    .action(async (file: string, flags: { env: string; out?: string; allowHashMismatch?: boolean; json?: boolean }) => {
      const environment = await loadEnvironment(flags.env, { cwd: io.cwd, cacheDir: defaultCacheDir(io.env) })
      const submission = await readSubmission(resolve(io.cwd, file))
      const outDir = resolve(io.cwd, flags.out ?? `benchgen-runs/${environment.manifest.name}/rescored`)
      await mkdir(outDir, { recursive: true })
      const result = await rescore({ environment, submission, outDir, ...(flags.allowHashMismatch ? { allowHashMismatch: true } : {}) }).finally(() => environment.dispose?.())
      write(io.stdout, flags.json ? JSON.stringify(result.scores, null, 2) : runMarkdown(result.info, result.scores))
    })
}
