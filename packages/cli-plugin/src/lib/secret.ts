import {ByoS3Error, ExitCode} from './errors.js'
import {terminal} from './terminal.js'

/**
 * The AWS secret access key comes from stdin (with --secret-stdin) or a hidden prompt, never
 * from argv, where it would land in shell history and in `ps` output.
 */
export async function readSecretAccessKey(fromStdin: boolean): Promise<string> {
  const secret = fromStdin ? await readPiped() : await promptForSecret()
  if (secret.length === 0) {
    throw new ByoS3Error(
      'The AWS secret access key is empty. Provide the secret of the access key given with --access-key-id.',
      ExitCode.usage,
    )
  }

  return secret
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
