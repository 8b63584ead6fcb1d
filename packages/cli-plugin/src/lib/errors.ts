import {Errors} from '@oclif/core'

export const ExitCode = {
  generic: 1,
  usage: 2,
  unauthorised: 3,
  notFound: 4,
  refused: 5,
  unreachable: 6,
  upstream: 7,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * The one error the plugin throws on purpose: a sentence telling the user what to do next, and
 * the exit code oclif ends the process with. `id` is the broker's stable error id, if any; it is
 * kept off the `code` option, which oclif would print as a second line.
 */
export class ByoS3Error extends Errors.CLIError {
  constructor(
    message: string,
    exit: ExitCode,
    readonly id?: string,
  ) {
    super(message, {exit})
  }

  get exitCode(): number {
    return this.oclif.exit ?? ExitCode.generic
  }
}
