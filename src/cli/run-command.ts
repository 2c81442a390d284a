/** `benchgen run`: evaluate a model on an environment and write the run folder. */
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { loadEnvironment } from '../environment/load.js'
import { defaultCacheDir } from '../environment/cache-dir.js'
import { createOpenAIClient } from '../model/openai.js'
import { modelKey, parseModelSpec } from '../model/config.js'
import type { ModelConfig } from '../model/config.js'
import { runMarkdown } from '../report/markdown.js'
import { runEvaluation } from '../run/run.js'
import { runModelInfo } from '../run/model-info.js'
import { RUN_FILES } from '../run/run-folder.js'
import { contamination, trainingHashes } from '../run/export.js'
import { writeJsonAtomic } from '../run/json-file.js'
import { gitInfo } from './git-info.js'
import { write } from './io.js'
import type { CliIo } from './io.js'
import { fraction, nonNegativeInt, nonNegativeNumber, positiveInt } from './options.js'

export interface RunFlags {
  env: string
  model: string
  modelName?: string
  apiKeyEnv?: string
  out?: string
  limit?: number
  phase?: string
  concurrency?: number
  timeout?: number
  retries?: number
  temperature?: number
  maxTokens?: number
  priceInput?: number
  priceOutput?: number
  fresh?: boolean
  quiet?: boolean
  json?: boolean
  failUnder?: number
  hubIndex?: string
  contamination?: string
}

/** Exit code when --fail-under is not met, distinct from errors (1) and bad input (2). */
export const EXIT_BELOW_THRESHOLD = 3
export const EXIT_INTERRUPTED = 130

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('Evaluate a model on an environment')
    .requiredOption('--env <ref>', 'environment: a folder, a .zip, hub:NAME[@VERSION] or github:OWNER/REPO/PATH@REF')
    .requiredOption('--model <spec>', 'model: PRESET:MODEL (openai, ollama, vllm, sglang, tgi, llamacpp, openrouter, groq, together), URL#MODEL, or a model file (.yaml/.json)')
    .option('--model-name <name>', 'model name sent to the server, when --model is a bare URL')
    .option('--api-key-env <var>', 'environment variable holding the API key (default depends on the preset; BENCHGEN_API_KEY otherwise)')
    .option('--out <dir>', 'run folder (default benchgen-runs/ENV/MODEL); rerunning into it resumes')
    .option('--limit <n>', 'run only the first N cases of the phase', positiveInt('--limit'))
    .option('--phase <name>', 'phase to run (default: the environment\'s default phase)')
    .option('--concurrency <n>', 'requests in flight at once (default: the model config\'s, else 8)', positiveInt('--concurrency'))
    .option('--timeout <ms>', 'per-request timeout in milliseconds (default 60000)', positiveInt('--timeout'))
    .option('--retries <n>', 'retries per case after the first attempt (default 4)', nonNegativeInt('--retries'))
    .option('--temperature <t>', 'override the environment\'s temperature', nonNegativeNumber('--temperature'))
    .option('--max-tokens <n>', 'override the environment\'s max_tokens', positiveInt('--max-tokens'))
    .option('--price-input <usd>', 'USD per million prompt tokens, for cost', nonNegativeNumber('--price-input'))
    .option('--price-output <usd>', 'USD per million completion tokens, for cost', nonNegativeNumber('--price-output'))
    .option('--fail-under <score>', `exit with code ${EXIT_BELOW_THRESHOLD} when the score is below this (0.6 or 60%)`, fraction('--fail-under'))
    .option('--hub-index <url>', 'remote hub index (JSON) consulted when hub:NAME is not built in')
    .option('--contamination <file>', 'report how many evaluated cases appear in a training export (an export manifest or a chat JSONL)')
    .option('--fresh', 'discard previous results in the run folder instead of resuming')
    .option('--quiet', 'no progress output')
    .option('--json', 'print scores.json to stdout instead of the table')
    .action(async (flags: RunFlags) => {
      setExit(await runCommand(flags, io))
    })
}

export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const overrides: Partial<ModelConfig> = {}
  if (flags.modelName) overrides.name = flags.modelName
  if (flags.apiKeyEnv) overrides.apiKeyEnv = flags.apiKeyEnv
  if (flags.priceInput !== undefined || flags.priceOutput !== undefined) {
    overrides.pricing = { inputPerMTok: flags.priceInput ?? 0, outputPerMTok: flags.priceOutput ?? 0 }
  }
  const config = await parseModelSpec(flags.model, overrides, { cwd: io.cwd })
  const apiKey = config.apiKeyEnv ? io.env[config.apiKeyEnv] : undefined

  const environment = await loadEnvironment(flags.env, {
    cwd: io.cwd,
    cacheDir: io.env.BENCHGEN_CACHE_DIR ?? defaultCacheDir(io.env),
    ...(flags.hubIndex ? { hubIndexUrl: flags.hubIndex } : {}),
    ...(io.env.GITHUB_TOKEN ? { githubToken: io.env.GITHUB_TOKEN } : {}),
    ...(io.env.GITHUB_API_URL ? { githubApiUrl: io.env.GITHUB_API_URL } : {})
  })
  const key = modelKey(config)
  const outDir = resolve(io.cwd, flags.out ?? join('benchgen-runs', environment.manifest.name, key))
  const concurrency = flags.concurrency ?? config.concurrency
  // The environment's harness decides the endpoint: its prompts are built for chat or completions.
  const api = environment.manifest.harness.api
  const client = createOpenAIClient({ ...config, api, concurrency }, apiKey ? { apiKey } : {})
  if (!flags.quiet) {
    write(io.stderr, `Evaluating ${config.name} on ${environment.manifest.name}@${environment.manifest.version} (${environment.hash.slice(0, 12)}) → ${outDir}`)
  }
  try {
    const outcome = await runEvaluation({
      environment,
      ...(flags.phase ? { phase: flags.phase } : {}),
      ...(flags.limit ? { limit: flags.limit } : {}),
      outDir,
      client,
      model: runModelInfo(config, api),
      concurrency,
      timeoutMs: flags.timeout ?? config.timeoutMs,
      maxRetries: flags.retries ?? config.maxRetries,
      generation: {
        ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
        ...(flags.maxTokens !== undefined ? { max_tokens: flags.maxTokens } : {})
      },
      ...(flags.fresh ? { fresh: true } : {}),
      progress: { stream: io.stderr, silent: flags.quiet === true },
      ...(io.signal ? { signal: io.signal } : {}),
      git: await gitInfo(io.cwd, io.env),
      log: (message) => {
        if (!flags.quiet) write(io.stderr, message)
      }
    })
    if (flags.json) write(io.stdout, JSON.stringify(outcome.scores, null, 2))
    else {
      write(io.stdout, runMarkdown(outcome.info, outcome.scores))
      write(io.stdout, `\nResults: ${join(outDir, RUN_FILES.results)}\nReport:  ${join(outDir, RUN_FILES.report)}`)
    }
    if (flags.contamination) {
      const report = contamination(outcome.records, await trainingHashes(resolve(io.cwd, flags.contamination)), flags.contamination)
      await writeJsonAtomic(join(outDir, 'contamination.json'), report)
      write(io.stderr, `Contamination: ${report.matched} of ${report.evaluated} evaluated cases appear in ${flags.contamination}${report.matched ? ` (${report.ids.slice(0, 5).join(', ')}${report.matched > 5 ? ', …' : ''})` : ''}`)
    }
    if (outcome.interrupted) {
      write(io.stderr, `Interrupted after ${outcome.records.length} of ${outcome.info.cases} cases; rerun the same command to resume.`)
      return EXIT_INTERRUPTED
    }
    if (outcome.records.length > 0 && outcome.records.every((record) => record.status === 'error')) {
      const first = outcome.records[0]?.error?.message ?? 'unknown error'
      write(io.stderr, `Every case ended in an error, e.g.: ${first}\nRerun the same command to retry them once the endpoint works.`)
      return 1
    }
    const score = outcome.scores.score ?? 0
    if (flags.failUnder !== undefined && score < flags.failUnder) {
      write(io.stderr, `Score ${(score * 100).toFixed(1)}% is below --fail-under ${(flags.failUnder * 100).toFixed(1)}%`)
      return EXIT_BELOW_THRESHOLD
    }
    return 0
  } finally {
    await client.close?.()
    await environment.dispose?.()
  }
}
