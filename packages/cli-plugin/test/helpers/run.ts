import {Config, handle} from '@oclif/core'
import {Exit} from '@oclif/core/handle'
import {captureOutput} from '@oclif/test'
import {fileURLToPath} from 'node:url'

type CommandClass = {new (argv: string[], config: Config): {run(): Promise<unknown>}}
type DispatchedCommand = {run(argv: string[], config: Config): Promise<unknown>}

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

/**
 * Runs a command as the Heroku CLI does, through the command's own error handling and then
 * oclif's, and reports the exit code oclif would end the process with instead of ending it.
 */
export async function runAsCli(Cmd: DispatchedCommand, argv: string[]) {
  config ??= await Config.load({root})
  const loaded = config
  const {exit} = Exit
  let exitCode = 0
  Exit.exit = ((code = 0) => {
    exitCode = code
  }) as typeof Exit.exit

  try {
    const {stderr, stdout} = await captureOutput(() => Cmd.run(argv, loaded).catch(handle))
    return {exitCode, stderr, stdout}
  } finally {
    Exit.exit = exit
  }
}

export const BROKER = 'https://broker.example.test'
export const TOKEN = 'heroku-token-for-tests'
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
