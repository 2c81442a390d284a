/** `benchgen export failures`: the failing cases of a run as a fine-tune dataset. */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { defaultCacheDir } from '../environment/cache-dir.js'
import { loadEnvironment } from '../environment/load.js'
import { BenchgenError } from '../errors.js'
import { exportFailures } from '../run/export.js'
import { writeJsonAtomic, writeJsonl } from '../run/json-file.js'
import { choiceOptions, readRunFolder } from '../run/run-folder.js'
import { write } from './io.js'
import type { CliIo } from './io.js'

export function registerExport(program: Command, io: CliIo): void {
  const exportCommand = program.command('export').description('Export data from a run folder')
  exportCommand
    .command('failures')
    .description('Write the failing cases as an OpenAI chat fine-tune JSONL, with a manifest of the exported cases\' hashes')
    .argument('<run>', 'run folder')
    .requiredOption('-o, --out <file>', 'JSONL file to write; FILE.manifest.json records what was exported')
    .option('--env <ref>', 'the environment, to know its held-out phases (default: the source recorded in run.json)')
    .option('--include-held-out', 'also export cases of held-out phases (recorded in the manifest; check later runs with run --contamination)')
    .action(async (dir: string, flags: { out: string; env?: string; includeHeldOut?: boolean }) => {
      const run = await readRunFolder(resolve(io.cwd, dir))
      const ref = flags.env ?? run.info.environment.source.ref
      const environment = await loadEnvironment(ref, { cwd: io.cwd, cacheDir: defaultCacheDir(io.env) })
      // Only the manifest is needed from here on.
      await environment.dispose?.()
      if (environment.hash !== run.info.environment.hash) {
        throw new BenchgenError(`the run was made against environment hash ${run.info.environment.hash.slice(0, 12)}, but ${ref} now has ${environment.hash.slice(0, 12)}; pass --env with the version that was evaluated`)
      }
      const heldOutPhases = new Set(Object.entries(environment.manifest.phases ?? {}).filter(([, phase]) => phase.heldOut).map(([name]) => name))
      const result = exportFailures(run.info, run.records, { heldOutPhases, includeHeldOut: flags.includeHeldOut === true, ...choiceOptions(environment.manifest) })
      const out = resolve(io.cwd, flags.out)
      await writeJsonl(out, result.rows)
      await writeJsonAtomic(`${out}.manifest.json`, result.manifest)
      write(io.stdout, `Wrote ${result.rows.length} training rows to ${out} (manifest: ${out}.manifest.json)`)
      if (result.skippedHeldOut > 0) write(io.stderr, `Left out ${result.skippedHeldOut} failing case(s) of held-out phases; --include-held-out exports them.`)
      if (result.manifest.includesHeldOut) write(io.stderr, 'Warning: this export contains held-out cases. Check later evaluations with: benchgen run --contamination ' + `${out}.manifest.json`)
    })
}
