/** `benchgen validate` and `benchgen pack`: authoring tools for environments. */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { defaultCacheDir } from '../environment/cache-dir.js'
import { validateEnvironment } from '../environment/load.js'
import { packEnvironment } from '../environment/pack.js'
import { formatIssue } from '../errors.js'
import type { Issue } from '../errors.js'
import { write } from './io.js'
import type { CliIo } from './io.js'

export function registerEnvironmentCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('Check an environment (folder, .zip or ref) and report every problem with its file and line')
    .argument('<path>', 'environment folder, .zip bundle, hub:NAME or github:OWNER/REPO/PATH@REF')
    .action(async (path: string) => {
      const result = await validateEnvironment(path, { cwd: io.cwd, cacheDir: defaultCacheDir(io.env) })
      for (const issue of byLocation(result.errors)) write(io.stderr, `error: ${formatIssue(issue)}`)
      for (const issue of byLocation(result.warnings)) write(io.stderr, `warning: ${formatIssue(issue)}`)
      if (result.errors.length > 0 || !result.environment) {
        write(io.stderr, `${path}: ${result.errors.length} error(s), ${result.warnings.length} warning(s)`)
        setExit(2)
        return
      }
      const env = result.environment
      const phases = Object.entries(env.phases).map(([name, cases]) => `${name} (${cases.length})`).join(', ')
      write(io.stdout, `${env.manifest.name}@${env.manifest.version} is valid: phases ${phases}; hash ${env.hash}`)
    })

  program
    .command('pack')
    .description('Pack an environment folder into a deterministic .zip bundle (same input, same bytes)')
    .argument('<folder>', 'environment folder')
    .option('-o, --out <file>', 'output file (default NAME-VERSION.zip in the current folder)')
    .action(async (folder: string, flags: { out?: string }) => {
      const source = resolve(io.cwd, folder)
      const result = await packEnvironment(source, flags.out ? resolve(io.cwd, flags.out) : undefined)
      write(io.stdout, `Wrote ${result.file}: ${result.files} files, ${result.bytes} bytes, hash ${result.hash}`)
    })
}

/** Issues in reading order: by file, then line (issues without a line first). */
function byLocation(issues: readonly Issue[]): Issue[] {
  return [...issues].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0))
}
