/**
 * Packing an environment folder into a bundle (.zip) that hubs and `benchgen validate` accept.
 * The zip is deterministic: entries sorted, fixed timestamps and modes, so packing the same
 * folder twice gives the same bytes and a bundle's sha256 can be pinned in a hub index.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { lstat, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import { ValidationError } from '../errors.js'
import { validateEnvironment } from './load.js'
import type { LoadOptions } from './options.js'

export interface PackResult {
  /** The zip written. */
  file: string
  /** The environment hash (as `validate` prints and run.json records). */
  hash: string
  /** Number of files in the zip. */
  files: number
  /** Size of the zip, in bytes. */
  bytes: number
}

/** Names never packed: version control, dependencies, OS clutter. */
const SKIPPED = new Set(['.git', 'node_modules', '.DS_Store'])
/** 1980-01-01 00:00, the earliest DOS time, in local time because DOS timestamps are local. */
const FIXED_MTIME = (): Date => new Date(1980, 0, 1, 0, 0, 0)
/** A regular file (S_IFREG) with mode 0644. */
const FILE_MODE = 0o100644

/**
 * Validate `folder`, then write it as a deterministic zip to `outFile` (default:
 * `<name>-<version>.zip` beside the folder). Throws ValidationError when the folder is not a
 * valid environment or holds symbolic links. `opts` is used by validation (cache folder and
 * dispatcher for data sources given by URL).
 */
export async function packEnvironment(folder: string, outFile?: string, opts: LoadOptions = {}): Promise<PackResult> {
  const root = resolve(folder)
  const result = await validateEnvironment(root, opts)
  if (!result.environment) throw new ValidationError(result.errors, `Cannot pack ${folder}: it is not a valid environment (${result.errors.length} problems):`)
  const env = result.environment
  const out = resolve(outFile ?? join(dirname(root), `${env.manifest.name}-${env.manifest.version}.zip`))

  const paths = (await listFiles(root, out)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const zip = new yazl.ZipFile()
  for (const path of paths) {
    // forceDosTimestamp: no extended-timestamp field, whose Unix time would depend on the time zone.
    zip.addBuffer(await readFile(join(root, ...path.split('/'))), path, { mtime: FIXED_MTIME(), mode: FILE_MODE, forceDosTimestamp: true, compress: true })
  }
  zip.end()

  // Write beside the target and rename, so a failed pack never leaves a truncated bundle.
  const temp = join(dirname(out), `.${process.pid}-${randomBytes(6).toString('hex')}.zip.part`)
  try {
    await pipeline(zip.outputStream, createWriteStream(temp))
    await rename(temp, out)
  } finally {
    await rm(temp, { force: true })
  }
  return { file: out, hash: env.hash, files: paths.length, bytes: (await stat(out)).size }
}

/** Files under `root` as forward-slash paths, skipping clutter and the output file itself. */
async function listFiles(root: string, outFile: string): Promise<string[]> {
  const found: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue
      const full = join(dir, entry.name)
      if (full === outFile || entry.name.endsWith('.zip.part')) continue
      const rel = relative(root, full).split(sep).join('/')
      if (entry.isSymbolicLink() || (await lstat(full)).isSymbolicLink()) {
        // Bundles may not hold links (extraction refuses them), and following one could pack
        // files from outside the environment.
        throw new ValidationError([{ file: rel, message: 'is a symbolic link; bundles hold regular files only', hint: 'replace it with a copy of the file' }])
      }
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile()) found.push(rel)
    }
  }
  await walk(root)
  return found
}
