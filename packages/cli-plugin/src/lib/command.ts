import {Command} from '@heroku-cli/command'
import {Errors, type Interfaces, ux} from '@oclif/core'

import {errorLine} from './errors.js'

/**
 * The base of every byo-s3 command. A failure is printed here, as one line on stderr, and oclif
 * is left only the exit code: its own output would wrap a long sentence at the terminal's width,
 * add "See more help with --help" on a line of its own, and print the whole help after an
 * unknown flag.
 */
export abstract class ByoS3Command extends Command {
  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    if (error instanceof Errors.ExitError) throw error

    ux.action.stop(ux.colorize('red', '!'))
    this.logToStderr(` ${ux.colorize('red', '›')}   Error: ${errorLine(error)}`)
    throw Object.assign(error, {skipOclifErrorHandling: true})
  }
}
