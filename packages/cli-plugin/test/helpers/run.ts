import {Config} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {fileURLToPath} from 'node:url'

type CommandClass = {new (argv: string[], config: Config): {run(): Promise<unknown>}}

const root = fileURLToPath(new URL('../..', import.meta.url))
let config: Config | undefined

/**
 * Runs a command the way oclif does after dispatch, capturing stdout, stderr and any error with
 * ANSI colours stripped.
 */
export async function run(Cmd: CommandClass, argv: string[]) {
  config ??= await Config.load({root})
  const loaded = config
  return captureOutput(() => new Cmd(argv, loaded).run())
}

export const BROKER = 'https://broker.example.test'
export const TOKEN = 'heroku-token-for-tests'
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
