/**
 * Loading an environment: resolve the reference to a folder, read and validate the manifest,
 * load every phase's data and the few-shot pool, build cases, check cross-references and compute
 * the content hash. Every problem is collected, with its file and line, into one result.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { describeError, formatIssue, ValidationError, type Issue } from '../errors.js'
import { createTemplateEngine, type TemplateEngine } from '../harness/template.js'
import { MANIFEST_FILES } from './bundle.js'
import { defaultCacheDir } from './cache-dir.js'
import { buildCases } from './cases.js'
import { checkDefaultPhase, checkScoring, checkTemplates, pickDefaultPhase, type IssueAt } from './checks.js'
import { formatFromExtension, parseDataset, type DatasetFormat, type DatasetRow } from './dataset.js'
import { downloadVerified } from './download.js'
import { environmentHash, type HashedFile } from './hash.js'
import { parseManifest } from './manifest-file.js'
import type { Manifest } from './manifest.js'
import type { LoadOptions } from './options.js'
import { resolveEnvironment } from './resolve.js'
import { buildScorers } from '../scoring/registry.js'
import type { EnvCase, Environment, EnvironmentSource } from './types.js'

export type { LoadOptions } from './options.js'

/** Everything `validate` reports. `environment` is set only when there are no errors. */
export interface ValidationResult {
  environment?: Environment
  errors: Issue[]
  warnings: Issue[]
}

/**
 * Load and validate an environment. Throws one ValidationError listing every problem (exit code
 * 2), UnsafeBundleError for a hostile bundle, DownloadError when a download fails or mismatches.
 */
export async function loadEnvironment(ref: string, opts: LoadOptions = {}): Promise<Environment> {
  // Resolution errors propagate as thrown (UnsafeBundleError keeps its class).
  const resolved = await resolveEnvironment(ref, opts)
  // Bundles and downloaded repositories are extracted to a temporary folder: removed on failure
  // here, and by the caller through dispose() once the run no longer needs the files.
  const dispose = async (): Promise<void> => {
    if (resolved.tempDir) await rm(resolved.tempDir, { recursive: true, force: true })
  }
  let result: ValidationResult
  try {
    result = await loadFolder(resolved.root, resolved.source, opts)
  } catch (error) {
    await dispose()
    throw error
  }
  if (!result.environment || result.errors.length > 0) {
    await dispose()
    const n = result.errors.length
    throw new ValidationError(result.errors, `Environment "${ref}" is not valid (${n} problem${n === 1 ? '' : 's'}):`)
  }
  return { ...result.environment, dispose }
}

/**
 * Check an environment and collect every error and warning instead of stopping at the first.
 * Malformed references, manifests, data and bundles become errors; download failures still throw
 * (DownloadError), since nothing in the environment can fix a network problem.
 */
export async function validateEnvironment(ref: string, opts: LoadOptions = {}): Promise<ValidationResult> {
  let resolved: { root: string; source: EnvironmentSource; tempDir?: string }
  try {
    resolved = await resolveEnvironment(ref, opts)
  } catch (error) {
    if (error instanceof ValidationError) return { errors: error.issues, warnings: [] }
    throw error
  }
  try {
    return await loadFolder(resolved.root, resolved.source, opts)
  } finally {
    // Validation only reports: an extracted bundle is not kept.
    if (resolved.tempDir) await rm(resolved.tempDir, { recursive: true, force: true })
  }
}

/** Where one phase's rows come from, after applying the dataset's defaults. */
interface SourceSpec {
  path?: string
  url?: string
  sha256?: string
  format?: DatasetFormat
  rowsAt?: string
  /** Manifest field the source was declared at, for messages (`dataset`, `phases.dev`). */
  declaredAt: (string | number)[]
}

interface LoadedSource {
  /** Name used in messages and `EnvCase.source.file`: the path inside the environment, or the URL. */
  file: string
  rows: DatasetRow[]
}

async function loadFolder(root: string, source: EnvironmentSource, opts: LoadOptions): Promise<ValidationResult> {
  const errors: Issue[] = []
  const warnings: Issue[] = []

  const present = await existingFiles(root, MANIFEST_FILES)
  const manifestFile = present[0]
  if (manifestFile === undefined) {
    return { errors: [{ message: `no ${MANIFEST_FILES.join(', ')} in ${root}`, hint: 'an environment folder starts with environment.yaml' }], warnings }
  }
  if (present.length > 1) warnings.push({ file: manifestFile, message: `is used; ${present.slice(1).join(', ')} is ignored`, hint: 'keep one manifest file' })

  const parsed = parseManifest(await readFile(join(root, manifestFile), 'utf8'), manifestFile)
  warnings.push(...parsed.warnings)
  if (!parsed.manifest) return { errors: parsed.issues, warnings }
  const manifest = parsed.manifest
  const at: IssueAt = (path, message, hint) => {
    const line = parsed.lineOf(path)
    return { file: manifestFile, ...(line === undefined ? {} : { line }), field: path.join('.'), message, ...(hint === undefined ? {} : { hint }) }
  }

  const engine = createTemplateEngine()
  const files = new Map<string, Buffer>()
  const loader = new SourceLoader(root, opts, files, at, errors)

  // Phases: each with its own file, or a slice of the dataset's.
  const declared = manifest.phases && Object.keys(manifest.phases).length > 0 ? Object.entries(manifest.phases) : [['test', undefined] as const]
  const phases: Record<string, EnvCase[]> = {}
  for (const [name, phase] of declared) {
    const ownSource = phase?.path !== undefined || phase?.url !== undefined
    const spec: SourceSpec = ownSource
      ? { ...sourceFields(phase), rowsAt: phase?.rowsAt ?? manifest.dataset.rowsAt, declaredAt: ['phases', name] }
      : { ...sourceFields(manifest.dataset), format: phase?.format ?? manifest.dataset.format, rowsAt: phase?.rowsAt ?? manifest.dataset.rowsAt, declaredAt: ['dataset'] }
    const loaded = await loader.load(spec)
    if (!loaded) {
      phases[name] = []
      continue
    }
    let rows = loaded.rows
    if (phase?.slice) {
      const [start, end] = phase.slice
      if (start > end) errors.push(at(['phases', name, 'slice'], `starts after it ends ([${start}, ${end}])`, 'a slice is [start, end), 0-based'))
      else if (end > rows.length) warnings.push(at(['phases', name, 'slice'], `ends at ${end} but ${loaded.file} has ${rows.length} rows`, 'the phase gets the rows that exist'))
      rows = rows.slice(start, end)
    }
    const built = buildCases(rows, { phase: name, file: loaded.file, fields: manifest.dataset.fields, engine })
    errors.push(...built.issues)
    phases[name] = built.cases
    if (built.cases.length === 0 && built.issues.length === 0) warnings.push(at(phase ? ['phases', name] : ['dataset'], `phase "${name}" has no cases`))
  }
  const phaseNames = Object.keys(phases)
  const defaultPhase = pickDefaultPhase(manifest, phaseNames)
  errors.push(...checkDefaultPhase(manifest, phaseNames, at))

  const fewshotPool = await loadFewshotPool(manifest, phases, defaultPhase, loader, engine, at, errors, warnings)

  // Custom scorers are code that decides scores: they must exist, and they count in the hash.
  const scorerFilesOk = await hashCustomScorers(root, manifest, manifestFile, files, at, errors)
  const scoringIssues = checkScoring(manifest, at)
  errors.push(...scoringIssues)
  // Build the scorers as `run` does, so validate refuses what run refuses (an extract group that
  // does not exist, a custom module that does not load…). Skipped when the checks above already
  // failed, which would only repeat their messages.
  if (scorerFilesOk && scoringIssues.length === 0) errors.push(...(await scorerBuildIssues(manifest, root, at)))
  errors.push(...checkTemplates(manifest, phases, fewshotPool, engine, at))

  if (!manifest.license) warnings.push(at(['license'], 'is not set', 'say under which licence the data may be used, e.g. MIT or CC-BY-4.0'))
  if (manifest.dataset.fields.id === undefined) {
    warnings.push(at(['dataset', 'fields'], 'has no `id`', 'case ids are then hashes of row content: editing a row changes its id, and runs pair by id'))
  }

  const result = { errors: dedupe(errors), warnings: dedupe(warnings) }
  if (result.errors.length > 0) return result

  const hashed: HashedFile[] = [...files].map(([path, bytes]) => ({ path, bytes }))
  const environment: Environment = {
    manifest,
    root,
    manifestFile,
    source,
    hash: environmentHash({ manifest, files: hashed }),
    phases,
    defaultPhase
  }
  if (fewshotPool) environment.fewshotPool = fewshotPool
  return { ...result, environment }
}

/** The few-shot examples the harness asks for: a phase's cases, or the cases of a separate file. */
async function loadFewshotPool(
  manifest: Manifest,
  phases: Record<string, EnvCase[]>,
  defaultPhase: string,
  loader: SourceLoader,
  engine: TemplateEngine,
  at: IssueAt,
  errors: Issue[],
  warnings: Issue[]
): Promise<EnvCase[] | undefined> {
  const fewshot = manifest.harness.fewshot
  if (!fewshot) return undefined
  const base = ['harness', 'fewshot']
  if (fewshot.phase !== undefined && fewshot.path !== undefined) {
    errors.push(at(base, 'sets both `phase` and `path`', 'take examples from a phase or from a file, not both'))
    return undefined
  }
  let pool: EnvCase[] | undefined
  if (fewshot.phase !== undefined) {
    pool = phases[fewshot.phase]
    if (!pool) {
      errors.push(at([...base, 'phase'], `names no phase "${fewshot.phase}"`, `phases: ${Object.keys(phases).join(', ')}`))
      return undefined
    }
    if (fewshot.phase === defaultPhase && fewshot.count > 0) {
      warnings.push(at([...base, 'phase'], `takes examples from "${fewshot.phase}", the phase being evaluated`, 'a case is never its own example, but prefer a separate train or dev phase'))
    }
  } else if (fewshot.path !== undefined) {
    const loaded = await loader.load({ path: fewshot.path, declaredAt: base })
    if (!loaded) return undefined
    const built = buildCases(loaded.rows, { phase: 'fewshot', file: loaded.file, fields: manifest.dataset.fields, engine })
    errors.push(...built.issues)
    pool = built.cases
  } else {
    if (fewshot.count > 0) errors.push(at([...base, 'count'], `asks for ${fewshot.count} examples but says not where from`, 'set harness.fewshot.phase (e.g. train) or harness.fewshot.path'))
    return undefined
  }
  if (fewshot.count > pool.length) warnings.push(at([...base, 'count'], `asks for ${fewshot.count} examples but the pool has ${pool.length}`))
  return pool
}

/** Reads data sources once each (phases often share a file), recording bytes for the hash. */
class SourceLoader {
  private readonly cache = new Map<string, Promise<LoadedSource | undefined>>()
  constructor(
    private readonly root: string,
    private readonly opts: LoadOptions,
    private readonly files: Map<string, Buffer>,
    private readonly at: IssueAt,
    private readonly errors: Issue[]
  ) {}

  load(spec: SourceSpec): Promise<LoadedSource | undefined> {
    const key = JSON.stringify([spec.path, spec.url, spec.sha256, spec.format, spec.rowsAt])
    let pending = this.cache.get(key)
    if (!pending) {
      pending = this.read(spec)
      this.cache.set(key, pending)
    }
    return pending
  }

  private async read(spec: SourceSpec): Promise<LoadedSource | undefined> {
    const { declaredAt: base } = spec
    if (spec.path !== undefined && spec.url !== undefined) {
      this.errors.push(this.at(base, 'sets both `path` and `url`', 'read rows from a file inside the environment or from a URL, not both'))
      return undefined
    }
    let file: string
    let bytes: Buffer
    let format = spec.format
    if (spec.path !== undefined) {
      const read = await readInside(this.root, spec.path)
      if (!read) {
        this.errors.push(this.at([...base, 'path'], `file "${spec.path}" does not exist`, 'paths are relative to the folder holding the manifest'))
        return undefined
      }
      file = spec.path
      bytes = read
    } else if (spec.url !== undefined) {
      if (spec.sha256 === undefined) {
        this.errors.push(this.at([...base, 'sha256'], 'is required with `url`', 'pin the download: run `sha256sum FILE` and paste the hash'))
        return undefined
      }
      const cached = await downloadVerified(spec.url, spec.sha256, { cacheDir: this.opts.cacheDir ?? defaultCacheDir(), ...(this.opts.dispatcher ? { dispatcher: this.opts.dispatcher } : {}) })
      file = spec.url
      bytes = await readFile(cached)
      format ??= formatFromExtension(new URL(spec.url).pathname)
    } else {
      this.errors.push(this.at([...base, 'path'], 'is required', `give ${base.join('.')}.path (a file inside the environment) or ${base.join('.')}.url with sha256`))
      return undefined
    }
    this.files.set(file, bytes)
    const parsed = parseDataset(bytes, { file, ...(format ? { format } : {}), ...(spec.rowsAt === undefined ? {} : { rowsAt: spec.rowsAt }) })
    this.errors.push(...parsed.issues)
    return { file, rows: parsed.rows }
  }
}

function sourceFields(source: { path?: string | undefined; url?: string | undefined; sha256?: string | undefined; format?: DatasetFormat | undefined } | undefined): Omit<SourceSpec, 'declaredAt'> {
  const out: Omit<SourceSpec, 'declaredAt'> = {}
  if (source?.path !== undefined) out.path = source.path
  if (source?.url !== undefined) out.url = source.url
  if (source?.sha256 !== undefined) out.sha256 = source.sha256
  if (source?.format !== undefined) out.format = source.format
  return out
}

/** Module files a custom scorer may load at the environment root (next to the manifest). */
const ROOT_SCORER_FILES = /\.(?:js|mjs|cjs|json)$/i

/**
 * Record in `files` (for the hash) every file a custom scorer may import, since a helper module
 * decides scores as much as the scorer itself. The rule: every regular file under the folder
 * holding the scorer's `path`, recursively (`scorers/score.mjs` → all of `scorers/**`). A scorer
 * at the environment root would make that the whole environment (README, data in other
 * formats…), so there it is the root's own .js/.mjs/.cjs/.json files instead (not subfolders),
 * except the manifest; data files are already recorded. Symlinks are not followed. Returns false
 * when a scorer file is missing (reported in `errors`).
 */
async function hashCustomScorers(root: string, manifest: Manifest, manifestFile: string, files: Map<string, Buffer>, at: IssueAt, errors: Issue[]): Promise<boolean> {
  let ok = true
  const folders = new Set<string>()
  for (const [i, scorer] of manifest.scoring.scorers.entries()) {
    if (scorer.type !== 'custom') continue
    const bytes = await readInside(root, scorer.path)
    if (!bytes) {
      ok = false
      errors.push(at(['scoring', 'scorers', i, 'path'], `file "${scorer.path}" does not exist`, 'custom scorer paths are relative to the environment folder'))
      continue
    }
    const path = posix.normalize(scorer.path.replace(/\\/g, '/')).replace(/^\.\//, '')
    files.set(path, bytes)
    folders.add(posix.dirname(path))
  }
  for (const folder of folders) {
    if (folder === '.') {
      for (const name of await listFiles(root, false)) {
        if (ROOT_SCORER_FILES.test(name) && name !== manifestFile && !(MANIFEST_FILES as readonly string[]).includes(name) && !files.has(name)) {
          const bytes = await readInside(root, name)
          if (bytes) files.set(name, bytes)
        }
      }
    } else if (!folder.startsWith('../')) {
      for (const name of await listFiles(join(root, ...folder.split('/')), true)) {
        const path = `${folder}/${name}`
        const bytes = await readInside(root, path)
        if (bytes) files.set(path, bytes)
      }
    }
  }
  return ok
}

/** Regular files under `dir` (relative, forward slashes), in subfolders too when `recursive`. */
async function listFiles(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = []
  const walk = async (at: string, prefix: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name
      if (entry.isFile()) out.push(rel)
      else if (recursive && entry.isDirectory()) await walk(join(at, entry.name), rel)
    }
  }
  await walk(dir, '')
  return out.sort()
}

/**
 * buildScorers()'s problems, located at the manifest: its fields read `scoring.scorers[N]…`, which
 * become `scoring.scorers.N…` on the line of scorer N (or of `scoring.primary`).
 */
async function scorerBuildIssues(manifest: Manifest, root: string, at: IssueAt): Promise<Issue[]> {
  try {
    await buildScorers(manifest.scoring, { root })
    return []
  } catch (error) {
    if (!(error instanceof ValidationError)) return [at(['scoring', 'scorers'], `could not build the scorers: ${describeError(error)}`)]
    return error.issues.map((issue) => {
      const indexed = /^scoring\.scorers\[(\d+)\](?:\.(.+))?$/.exec(issue.field ?? '')
      if (!indexed) {
        const path = (issue.field ?? 'scoring').split('.')
        return { ...at(path, issue.message, issue.hint), field: issue.field ?? 'scoring' }
      }
      const base = ['scoring', 'scorers', Number(indexed[1])]
      const located = at(base, issue.message, issue.hint)
      return indexed[2] === undefined ? located : { ...located, field: `${base.join('.')}.${indexed[2]}` }
    })
  }
}

/** A file's bytes, or undefined when it does not exist (or is a folder). */
async function readInside(root: string, path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(join(root, ...path.split('/')))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined
    throw error
  }
}

async function existingFiles(root: string, names: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const name of names) if ((await stat(join(root, name)).catch(() => undefined))?.isFile()) found.push(name)
  return found
}

/** Phases sharing a file report the same row problem once. */
function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = formatIssue(issue)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
