/**
 * Safe extraction of environment bundles (.zip). A bundle is untrusted input: it may come from a
 * hub index, a pull request or a GitHub zipball. The central directory is checked as a whole
 * before anything is written (paths, entry types, declared sizes), then entries are extracted
 * into a fresh temporary folder while their real sizes are counted, because declared sizes can lie.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join, relative, isAbsolute, sep } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import unzipper from 'unzipper'
import { UnsafeBundleError, ValidationError, type Issue } from '../errors.js'

export interface BundleLimits {
  /** Most entries (files and folders) a bundle may hold. Default 10,000. */
  maxEntries?: number
  /** Largest single file, uncompressed, in bytes. Default 200 MiB. */
  maxFileBytes?: number
  /** Largest total uncompressed size, in bytes. Default 1 GiB. */
  maxTotalBytes?: number
  /** Folder in which the extraction folder is created. Default: the OS temporary folder. */
  tmpDir?: string
}

export interface ExtractedBundle {
  /** The fresh folder everything was extracted into; the caller may remove it when done. */
  dir: string
  /**
   * The folder holding environment.yaml/.yml/.json: `dir` itself, or its single top-level
   * folder (zips made by "compress folder", GitHub zipballs). `dir` when neither holds one.
   */
  root: string
}

type Caps = Required<Omit<BundleLimits, 'tmpDir'>>

/** Caps applied when `extractBundle` is not given its own. */
export const DEFAULT_BUNDLE_LIMITS: Readonly<Caps> = {
  maxEntries: 10_000,
  maxFileBytes: 200 * 1024 ** 2,
  maxTotalBytes: 1024 ** 3
}

/** Manifest file names, in the order they are looked for. */
export const MANIFEST_FILES = ['environment.yaml', 'environment.yml', 'environment.json'] as const

const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
const MSDOS_DIRECTORY = 0x10

interface PlannedEntry {
  file: unzipper.File
  /** Normalised path segments. */
  segments: string[]
  directory: boolean
}

/** Extract a zip after checking it is safe. Throws UnsafeBundleError naming the bundle and entry. */
export async function extractBundle(zipPath: string, limits: BundleLimits = {}): Promise<ExtractedBundle> {
  const caps: Caps = { ...DEFAULT_BUNDLE_LIMITS, ...definedOnly({ maxEntries: limits.maxEntries, maxFileBytes: limits.maxFileBytes, maxTotalBytes: limits.maxTotalBytes }) }
  const bundle = basename(zipPath)
  let directory: unzipper.CentralDirectory
  try {
    directory = await unzipper.Open.file(zipPath)
  } catch (error) {
    throw new ValidationError([{ file: bundle, message: `is not a readable zip file: ${error instanceof Error ? error.message : String(error)}` }], undefined, { cause: error })
  }

  const plan = checkCentralDirectory(bundle, directory.files, caps)
  const dir = await mkdtemp(join(limits.tmpDir ?? tmpdir(), 'benchgen-bundle-'))
  try {
    await writeEntries(bundle, dir, plan, caps)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return { dir, root: await findRoot(dir) }
}

/** Every rule a central directory must pass, checked before anything is written. */
function checkCentralDirectory(bundle: string, files: unzipper.File[], caps: Caps): PlannedEntry[] {
  const unsafe = (entry: string | undefined, message: string): Issue => ({ file: bundle, ...(entry === undefined ? {} : { field: entry }), message })
  if (files.length > caps.maxEntries) {
    throw new UnsafeBundleError([unsafe(undefined, `holds ${files.length} entries, over the limit of ${caps.maxEntries}`)], `Refusing to extract ${bundle}:`)
  }
  const issues: Issue[] = []
  const plan: PlannedEntry[] = []
  const seen = new Map<string, 'file' | 'dir'>()
  let total = 0
  for (const file of files) {
    const name = file.path
    const pathProblem = checkEntryPath(name)
    if (pathProblem) {
      issues.push(unsafe(name, pathProblem))
      continue
    }
    const mode = (file.externalFileAttributes >>> 16) & S_IFMT
    if (mode === S_IFLNK) {
      issues.push(unsafe(name, 'is a symbolic link; bundles may only hold regular files and folders'))
      continue
    }
    const directory = name.endsWith('/') || mode === S_IFDIR || (file.externalFileAttributes & MSDOS_DIRECTORY) !== 0
    if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) {
      issues.push(unsafe(name, `is a special file (mode ${mode.toString(8)}); bundles may only hold regular files and folders`))
      continue
    }
    if (file.flags & 0x1) {
      issues.push(unsafe(name, 'is encrypted'))
      continue
    }
    if (file.compressionMethod !== 0 && file.compressionMethod !== 8) {
      issues.push(unsafe(name, `uses compression method ${file.compressionMethod}; only stored (0) and deflate (8) are read`))
      continue
    }
    if (directory && file.uncompressedSize !== 0) {
      issues.push(unsafe(name, 'is a folder entry with content'))
      continue
    }
    if (file.uncompressedSize > caps.maxFileBytes) {
      issues.push(unsafe(name, `declares ${file.uncompressedSize} bytes, over the per-file limit of ${caps.maxFileBytes}`))
      continue
    }
    total += file.uncompressedSize
    const segments = name.split('/').filter((s) => s !== '' && s !== '.')
    // Case-insensitive: on macOS and Windows "A.txt" and "a.txt" are the same file.
    const key = segments.join('/').toLowerCase()
    const previous = seen.get(key)
    if (previous && !(previous === 'dir' && directory)) {
      issues.push(unsafe(name, 'appears twice in the bundle (names compared ignoring case)'))
      continue
    }
    seen.set(key, directory ? 'dir' : 'file')
    if (segments.length > 0) plan.push({ file, segments, directory })
  }
  // A file whose name is also used as a folder ("a" and "a/b"): the later write would fail or clobber.
  for (const key of seen.keys()) {
    const parts = key.split('/')
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/')
      if (seen.get(parent) === 'file') issues.push(unsafe(key, `sits under "${parent}", which is a file`))
    }
  }
  if (total > caps.maxTotalBytes) issues.push(unsafe(undefined, `declares ${total} bytes in all, over the limit of ${caps.maxTotalBytes}`))
  if (issues.length > 0) throw new UnsafeBundleError(issues, `Refusing to extract ${bundle} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`)
  return plan
}

/** Why an entry name is unsafe, or undefined when it is a plain relative path. */
export function checkEntryPath(name: string): string | undefined {
  if (name === '') return 'has an empty name'
  if (/[\u0000-\u001f]/.test(name)) return 'has control characters in its name'
  if (name.includes('\\')) return 'has a backslash in its name (paths in zips use "/"; on Windows it would be a folder separator)'
  if (name.startsWith('/')) return 'is an absolute path'
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter'
  if (name.split('/').includes('..')) return 'has a ".." segment that would escape the extraction folder'
  return undefined
}

async function writeEntries(bundle: string, dir: string, plan: PlannedEntry[], caps: Caps): Promise<void> {
  let total = 0
  for (const entry of plan) {
    const dest = join(dir, ...entry.segments)
    // Belt and braces: the name checks above already rule this out.
    const rel = relative(dir, dest)
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      throw new UnsafeBundleError([{ file: bundle, field: entry.file.path, message: 'resolves outside the extraction folder' }])
    }
    if (entry.directory) {
      await mkdir(dest, { recursive: true })
      continue
    }
    await mkdir(join(dest, '..'), { recursive: true })
    const declared = entry.file.uncompressedSize
    let written = 0
    let crc = 0
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        written += chunk.length
        total += chunk.length
        if (written > declared || written > caps.maxFileBytes || total > caps.maxTotalBytes) {
          const why = written > declared ? `holds more than the ${declared} bytes it declares` : total > caps.maxTotalBytes ? `takes the bundle over the limit of ${caps.maxTotalBytes} bytes` : `is over the per-file limit of ${caps.maxFileBytes} bytes`
          return callback(new UnsafeBundleError([{ file: bundle, field: entry.file.path, message: why }], `Refusing to extract ${bundle}:`))
        }
        crc = zlib.crc32(chunk, crc)
        callback(null, chunk)
      }
    })
    try {
      // 'wx': never write through something already there (the folder is fresh, so nothing is).
      await pipeline(entry.file.stream(), counter, createWriteStream(dest, { flags: 'wx', mode: 0o644 }))
    } catch (error) {
      if (error instanceof UnsafeBundleError) throw error
      throw new UnsafeBundleError([{ file: bundle, field: entry.file.path, message: `could not be extracted: ${error instanceof Error ? error.message : String(error)}` }], `Refusing to extract ${bundle}:`, { cause: error })
    }
    if (written !== declared) {
      throw new UnsafeBundleError([{ file: bundle, field: entry.file.path, message: `holds ${written} bytes but declares ${declared}` }], `Refusing to extract ${bundle}:`)
    }
    if ((crc >>> 0) !== entry.file.crc32 >>> 0) {
      throw new UnsafeBundleError([{ file: bundle, field: entry.file.path, message: 'is corrupt (CRC-32 does not match)' }], `Refusing to extract ${bundle}:`)
    }
  }
}

/** The extraction folder, or its single top-level folder (ignoring macOS's __MACOSX). */
async function findRoot(dir: string): Promise<string> {
  if (await hasManifest(dir)) return dir
  const top = (await readdir(dir, { withFileTypes: true })).filter((d) => d.name !== '__MACOSX')
  const only = top[0]
  if (top.length === 1 && only?.isDirectory()) return join(dir, only.name)
  return dir
}

async function hasManifest(dir: string): Promise<boolean> {
  for (const name of MANIFEST_FILES) {
    try {
      if ((await stat(join(dir, name))).isFile()) return true
    } catch {
      // Absent: try the next name.
    }
  }
  return false
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
