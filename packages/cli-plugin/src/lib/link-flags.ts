import {ByoS3Error, ExitCode} from './errors.js'

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\x21-\x7e]{1,575}$/

export function parseRoleArn(input: string): string {
  if (ROLE_ARN.test(input)) return input

  throw new ByoS3Error(
    `--role-arn takes the ARN of an IAM role, like arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme; "${input.slice(0, 80)}" is not one. Copy it from the IAM console or the stack's RoleArn output.`,
    ExitCode.usage,
  )
}

type LinkFlags = {
  'access-key-id'?: string
  confirm?: string
  format?: string
  'new-external-id'?: boolean
  'print-role-setup'?: boolean
  'role-arn'?: string
  'secret-stdin'?: boolean
  [setting: string]: unknown
}

// Flags that only make sense when the team is linked or its settings changed.
const LINK_ONLY = [
  'access-key-id',
  'secret-stdin',
  'role-arn',
  'allow-public',
  'allow-adopt',
  'forbid-option',
  'force-option',
  'bucket-prefix',
  'on-deprovision',
  'region',
]

/**
 * Refuses flags that do not go together, before anything is asked of the broker: a link holds
 * either keys or a role, and printing the role setup links nothing.
 */
export function checkLinkFlags(flags: LinkFlags): void {
  const usage = (message: string) => new ByoS3Error(message, ExitCode.usage)
  if (flags['role-arn'] && (flags['access-key-id'] || flags['secret-stdin'])) {
    throw usage(
      "Pass either --role-arn or --access-key-id with its secret, not both: a team links an IAM role or an IAM user's keys.",
    )
  }

  if (flags['print-role-setup']) {
    const given = LINK_ONLY.filter((name) => flags[name] !== undefined && flags[name] !== false)
    if (given.length > 0) {
      throw usage(
        `--print-role-setup only prints the role to create and links nothing, so it does not take ${given.map((name) => `--${name}`).join(', ')}. Run it alone, then link with --role-arn.`,
      )
    }

    return
  }

  const setupOnly = ['new-external-id', 'format', 'confirm'].filter((name) => flags[name])
  if (setupOnly.length > 0) {
    throw usage(
      `${setupOnly.map((name) => `--${name}`).join(', ')} goes with --print-role-setup. Add it to print the role setup.`,
    )
  }
}
