import type { Manifest } from './manifest.js'

/** The expected output of a case: one answer, or any of several accepted answers. */
export type Target = string | string[]

/** One evaluation case, resolved from a dataset row through the manifest's field mapping. */
export interface EnvCase {
  /** Stable id: the dataset's id field, else a hash of the row's content (see caseId()). */
  id: string
  phase: string
  /** 0-based position in its phase, for ordering reports. */
  index: number
  input: string
  target: Target
  choices?: string[]
  tags: string[]
  metadata: Record<string, unknown>
  /** The raw row, so templates and scorers can read any field. */
  row: Record<string, unknown>
  /** Where the row came from, for error messages and annotations (path relative to the environment root). */
  source: { file: string; line?: number }
}

/** How the environment was found, recorded in run.json. */
export interface EnvironmentSource {
  kind: 'folder' | 'zip' | 'hub' | 'github' | 'url'
  /** What the user wrote: a path, `hub:name@version`, `github:owner/repo/path@ref`, a URL. */
  ref: string
  /** Path on disk of the manifest's folder relative to the repository, when inside one. */
  path?: string
}

/** A loaded, validated environment. */
export interface Environment {
  manifest: Manifest
  /** Folder on disk holding the manifest and its files (a temporary folder for bundles). */
  root: string
  /** Manifest file name relative to root (environment.yaml or environment.json). */
  manifestFile: string
  source: EnvironmentSource
  /** sha256 (hex) over the normalised manifest, data and scorer files. */
  hash: string
  /** Cases of every phase, in file order. */
  phases: Record<string, EnvCase[]>
  defaultPhase: string
  /** Few-shot examples (from `harness.fewshot.phase` or `.path`), when the harness asks for them. */
  fewshotPool?: EnvCase[]
  /** Removes the temporary folder a bundle or a downloaded repository was extracted to; call when done. */
  dispose?: () => Promise<void>
}
