import {execFile, spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {promisify, stripVTControlCharacters} from 'node:util'

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const heroku = require.resolve('heroku/bin/run.js')

export const pluginRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface CliRun {
  /** The exit code, or null when the process was ended by a signal (a timeout). */
  code: null | number
  /** Output with ANSI colours stripped. */
  stdout: string
  stderr: string
  /** Wall time from starting the process until it closed its output. */
  ms: number
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  /** Written to the command's stdin, which is then closed; it is closed at once without input. */
  input?: string
}

/** Builds the plugin's dist/ with the TypeScript compiler, as `npm run build` does. */
export async function buildPlugin(): Promise<void> {
  await promisify(execFile)(process.execPath, [tsc, '-b', pluginRoot])
}

/**
 * The real Heroku CLI (the npm package heroku) with a throwaway HOME, so nothing touches the
 * user's own CLI: its plugins, its cache or its credentials. Each run is a new process, as each
 * command a user types is.
 */
export class HerokuCli {
  private constructor(
    readonly home: string,
    private readonly apiKey: string,
  ) {}

  /** A fresh CLI with the plugin at `root` linked, as `heroku plugins:link` links it. */
  static async withPluginLinked(root: string, apiKey: string): Promise<HerokuCli> {
    const cli = new HerokuCli(await mkdtemp(join(tmpdir(), 'byo-s3-heroku-home-')), apiKey)
    const linked = await cli.run(['plugins:link', root, '--no-install'])
    if (linked.code !== 0) {
      await cli.remove()
      throw new Error(`heroku plugins:link ${root} exited with ${linked.code}: ${linked.stderr}`)
    }

    return cli
  }

  run(args: string[], {env = {}, input}: RunOptions = {}): Promise<CliRun> {
    const started = performance.now()
    const child = spawn(process.execPath, [heroku, ...args], {
      env: this.env(env),
      timeout: 30_000,
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    // A command that exits without reading its input closes the pipe; that is no failure here.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
    return new Promise((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code) =>
        resolve({
          code,
          stdout: text(stdout),
          stderr: text(stderr),
          ms: performance.now() - started,
        }),
      )
    })
  }

  async remove(): Promise<void> {
    await rm(this.home, {force: true, recursive: true})
  }

  private env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DISABLE_TELEMETRY: 'true',
      HEROKU_API_KEY: this.apiKey,
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HOME: this.home,
      // The CLI otherwise starts a detached self-update that outlives the command.
      HEROKU_DISABLE_AUTOUPDATE: '1',
      OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
      ...extra,
    }
    for (const name of ['XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']) delete env[name]
    return env
  }
}

function text(chunks: Buffer[]): string {
  return stripVTControlCharacters(Buffer.concat(chunks).toString('utf8'))
}
