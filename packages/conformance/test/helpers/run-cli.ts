import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  /** The ✗ lines, in order. */
  failures: string[]
}

/** Runs the conformance command line as a user does, in a process of its own. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: {PATH: process.env.PATH, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const failures = stdout.split('\n').filter((line) => line.startsWith('✗ '))
  return {code, stdout, stderr, failures}
}

/** A folder for a manifest and secret files, removed by the returned function. */
export function scratch(): {
  dir: string
  write(name: string, text: string): string
  remove(): void
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'conformance-'))
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name)
      writeFileSync(file, text)
      return file
    },
    remove: () => rmSync(dir, {recursive: true, force: true}),
  }
}
