/**
 * Extract a zip that someone else wrote (a workflow artifact, possibly a fork's) without trusting
 * it: entry paths must stay inside the destination, symlinks are refused, and the number of
 * entries and the bytes written are capped, counted on the bytes actually inflated rather than on
 * the sizes the zip declares.
 *
 * src/environment/ is to grow an `extractBundle` with the same rules; once it lands this file can
 * delegate to it.
 */
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join, posix } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import unzipper from 'unzipper'
import { UnsafeBundleError } from '../errors.js'

/** Caps of {@link extractZip}. */
export interface ZipLimits {
  /** Most entries (files and folders). Default 1,000. */
  maxEntries?: number
  /** Most bytes written in all, after inflating. Default 512 MiB. */
  maxTotalBytes?: number
}

const DEFAULT_MAX_ENTRIES = 1000
const DEFAULT_MAX_TOTAL_BYTES = 512 * 1024 ** 2
const S_IFMT = 0o170000
const S_IFLNK = 0o120000

/** Extract `zipPath` into `destDir` (created). Throws UnsafeBundleError, naming the entry, on any breach. */
export async function extractZip(zipPath: string, destDir: string, limits: ZipLimits = {}): Promise<void> {
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES
  const maxTotal = limits.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES
  const unsafe = (message: string, entry?: string): UnsafeBundleError =>
    new UnsafeBundleError([{ file: entry ? `${zipPath}!${entry}` : zipPath, message }], `Refusing to extract ${zipPath}:`)

  let directory: unzipper.CentralDirectory
  try {
    directory = await unzipper.Open.file(zipPath)
  } catch (cause) {
    throw new UnsafeBundleError([{ file: zipPath, message: `is not a readable zip (${(cause as Error).message})` }], undefined, { cause })
  }
  if (directory.files.length > maxEntries) throw unsafe(`has ${directory.files.length} entries, more than the ${maxEntries} allowed`)

  await mkdir(destDir, { recursive: true })
  let written = 0
  for (const entry of directory.files) {
    const relative = safeEntryPath(entry.path)
    if (relative === null) throw unsafe('has a path outside the destination (absolute, `..`, or a backslash)', entry.path)
    if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw unsafe('is a symbolic link', entry.path)
    const target = join(destDir, ...relative.split('/'))
    if (entry.type === 'Directory') {
      await mkdir(target, { recursive: true })
      continue
    }
    if (written + entry.uncompressedSize > maxTotal) throw unsafe(`would exceed ${maxTotal} bytes in all`, entry.path)
    await mkdir(dirname(target), { recursive: true })
    const budget = maxTotal - written
    let count = 0
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        count += chunk.length
        // The declared size can lie (a zip bomb): count what is inflated.
        if (count > budget) done(unsafe(`inflates past ${maxTotal} bytes in all`, entry.path))
        else done(null, chunk)
      }
    })
    // `wx`: a second entry with the same path is refused rather than overwriting the first.
    await pipeline(entry.stream(), counter, createWriteStream(target, { flags: 'wx' })).catch((error: unknown) => {
      if (error instanceof UnsafeBundleError) throw error
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw unsafe('appears twice', entry.path)
      throw error
    })
    written += count
  }
}

/** The entry's path normalised with `/`, or null when it could escape the destination. */
function safeEntryPath(path: string): string | null {
  if (path.includes('\\') || path.includes('\0')) return null
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return null
  const normal = posix.normalize(path).replace(/\/+$/, '')
  if (normal === '' || normal === '.' || normal === '..' || normal.startsWith('../')) return null
  return normal
}
