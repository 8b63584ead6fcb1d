import {ByoS3Error, ExitCode} from './errors.js'
import {terminal} from './terminal.js'

/**
 * The AWS secret access key comes from stdin (with --secret-stdin) or a hidden prompt, never
 * from argv, where it would land in shell history and in `ps` output.
 */
export async function readSecretAccessKey(fromStdin: boolean): Promise<string> {
  const secret = fromStdin ? await readPiped() : await promptForSecret()
  checkShape(secret)
  return secret
}

// The broker takes 16 to 256 characters; AWS's own secrets are 40. The message never holds the
// secret, nor its length, since either would land on stderr and in CI logs.
const SECRET_LENGTH = {max: 256, min: 16}

function checkShape(secret: string): void {
  if (secret.length === 0) {
    throw new ByoS3Error(
      'The AWS secret access key is empty. Provide the secret of the access key given with --access-key-id.',
      ExitCode.usage,
    )
  }

  if (secret.length < SECRET_LENGTH.min || secret.length > SECRET_LENGTH.max) {
    const problem = secret.length < SECRET_LENGTH.min ? 'too short' : 'too long'
    throw new ByoS3Error(
      `The AWS secret access key is ${problem}: secret access keys are ${SECRET_LENGTH.min} to ${SECRET_LENGTH.max} characters, 40 for keys AWS makes. Provide the whole secret of the access key given with --access-key-id.`,
      ExitCode.usage,
    )
  }
}

async function readPiped(): Promise<string> {
  if (terminal.isInteractive()) {
    throw new ByoS3Error(
      '--secret-stdin reads the secret from a pipe, but stdin is a terminal. Pipe the secret in, or drop --secret-stdin to be prompted.',
      ExitCode.usage,
    )
  }

  return (await terminal.readStdin()).replace(/[\r\n]+$/, '')
}

async function promptForSecret(): Promise<string> {
  if (!terminal.isInteractive()) {
    throw new ByoS3Error(
      'stdin is not a terminal, so the AWS secret access key cannot be prompted for. Pipe it in and pass --secret-stdin.',
      ExitCode.usage,
    )
  }

  return terminal.promptHidden('AWS secret access key')
}
