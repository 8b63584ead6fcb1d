import {Errors} from '@oclif/core'
import {stripVTControlCharacters} from 'node:util'

export const ExitCode = {
  generic: 1,
  usage: 2,
  unauthorised: 3,
  notFound: 4,
  refused: 5,
  unreachable: 6,
  upstream: 7,
  /** byo-s3:doctor found problems that are still there; scripts can fail on it. */
  problems: 8,
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

// Lines oclif's parser adds around the reason for a flag error: "Parsing --flag" before it, a
// header before a list of reasons, and "See more help with --help" after them.
const PARSER_LINES = [/^Parsing --[\w-]+$/, /^The following errors? occurred:$/]
const MORE_HELP = 'See more help with --help'

/**
 * Any error's message as one line of sentences. A parser error keeps oclif's pointer to --help,
 * moved to the end of the line.
 */
export function errorLine(error: Error): string {
  const lines = stripVTControlCharacters(error.message)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const reasons = lines.filter(
    (line) => line !== MORE_HELP && !PARSER_LINES.some((pattern) => pattern.test(line)),
  )
  if (reasons.length === 0) return `${error.name} without a message.`

  const sentences = lines.includes(MORE_HELP) ? [...reasons, MORE_HELP] : reasons
  return sentences.map((line) => (/[.!?]$/.test(line) ? line : `${line}.`)).join(' ')
}
