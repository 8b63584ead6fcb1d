import {expect} from 'chai'
import nock from 'nock'

import Buckets from '../../src/commands/byo-s3/buckets.js'
import Doctor from '../../src/commands/byo-s3/doctor.js'
import Info from '../../src/commands/byo-s3/info.js'
import Link from '../../src/commands/byo-s3/link.js'
import Links from '../../src/commands/byo-s3/links.js'
import Unlink from '../../src/commands/byo-s3/unlink.js'
import Verify from '../../src/commands/byo-s3/verify.js'
import {terminal} from '../../src/lib/terminal.js'
import {BROKER, runAsCli, SECRET} from '../helpers/run.js'

type Method = 'DELETE' | 'GET' | 'POST' | 'PUT'

const ROLE_ARN = 'arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme'

type CommandUnderTest = {
  id: string
  Cmd: Parameters<typeof runAsCli>[0]
  argv: string[]
  request: {method: Method; path: string}
  /** The spinner text, when the command shows one while it waits for the broker. */
  progress?: string
}

const commands: CommandUnderTest[] = [
  {
    id: 'byo-s3:buckets',
    Cmd: Buckets,
    argv: ['--team', 'acme'],
    request: {method: 'GET', path: '/admin/teams/acme/buckets'},
    progress: 'Listing the byo-s3 add-ons of team acme',
  },
  {
    id: 'byo-s3:doctor',
    Cmd: Doctor,
    argv: ['--team', 'acme'],
    request: {method: 'GET', path: '/admin/teams/acme/doctor'},
    progress: 'Checking team acme',
  },
  {
    id: 'byo-s3:doctor --fix',
    Cmd: Doctor,
    argv: ['--team', 'acme', '--fix', '--confirm', 'acme'],
    request: {method: 'POST', path: '/admin/teams/acme/doctor/fix'},
    progress: 'Checking and repairing team acme',
  },
  {
    id: 'byo-s3:info',
    Cmd: Info,
    argv: ['--team', 'acme'],
    request: {method: 'GET', path: '/admin/teams/acme/link'},
    progress: 'Reading the AWS link of team acme',
  },
  {
    id: 'byo-s3:link',
    Cmd: Link,
    argv: ['--team', 'acme', '--access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--secret-stdin'],
    request: {method: 'PUT', path: '/admin/teams/acme/link'},
    progress: 'Linking team acme to AWS',
  },
  {
    id: 'byo-s3:link --role-arn',
    Cmd: Link,
    argv: ['--team', 'acme', '--role-arn', ROLE_ARN],
    request: {method: 'PUT', path: '/admin/teams/acme/link'},
    progress: `Linking team acme to AWS through role ${ROLE_ARN}`,
  },
  {
    id: 'byo-s3:link --print-role-setup',
    Cmd: Link,
    argv: ['--team', 'acme', '--print-role-setup'],
    request: {method: 'POST', path: '/admin/teams/acme/role-setup'},
  },
  {
    id: 'byo-s3:links',
    Cmd: Links,
    argv: [],
    request: {method: 'GET', path: '/admin/links'},
  },
  {
    id: 'byo-s3:unlink',
    Cmd: Unlink,
    argv: ['--team', 'acme', '--confirm', 'acme'],
    request: {method: 'DELETE', path: '/admin/teams/acme/link'},
    progress: 'Unlinking team acme from AWS',
  },
  {
    id: 'byo-s3:verify',
    Cmd: Verify,
    argv: ['--team', 'acme'],
    request: {method: 'POST', path: '/admin/teams/acme/verify'},
    progress: 'Checking the AWS link of team acme',
  },
]

const brokerRefusals = [
  {
    status: 401,
    exit: 3,
    id: 'unauthorized',
    message: 'Your Heroku token is invalid or expired. Run heroku login and try again.',
  },
  {
    status: 403,
    exit: 3,
    id: 'forbidden',
    message: 'Only admins of team acme can do this. Ask an admin of the team to run it.',
  },
  {
    status: 404,
    exit: 4,
    id: 'not_linked',
    message: 'Team acme is not linked to an AWS account. Run heroku byo-s3:link first.',
  },
  {
    status: 422,
    exit: 5,
    id: 'invalid_aws_credentials',
    message:
      'AWS rejected these credentials (InvalidClientTokenId). Check the access key id and secret and run the command again.',
  },
  {
    status: 502,
    exit: 7,
    id: 'heroku_unreachable',
    message:
      'The byo-s3 broker could not reach Heroku to check your role in team acme. Try again shortly.',
  },
]

const bareFailures = [
  {
    status: 500,
    exit: 1,
    hint: "Try again, and if it keeps failing, contact the broker's operator.",
  },
  {status: 502, exit: 7, hint: 'Try again in a few minutes.'},
  {status: 503, exit: 7, hint: 'Try again in a few minutes.'},
  {status: 504, exit: 7, hint: 'Try again in a few minutes.'},
]

/** What stderr holds after a failure: the spinner stopped with "!", then the error on one line. */
function failureOutput({progress}: CommandUnderTest, sentence: string): string {
  const error = ` ›   Error: ${sentence}\n`
  return progress ? `${progress}... !\n${error}` : error
}

/** Every request that reached the broker host while `action` ran. */
async function requestsDuring(action: () => Promise<void>): Promise<string[]> {
  const requests: string[] = []
  const record = (request: {method?: string; path?: string}) =>
    requests.push(`${request.method} ${request.path}`)
  nock.emitter.on('no match', record)
  try {
    await action()
  } finally {
    nock.emitter.removeListener('no match', record)
  }

  return requests
}

function withoutTeam(argv: string[]): string[] {
  const at = argv.indexOf('--team')
  return [...argv.slice(0, at), ...argv.slice(at + 2)]
}

for (const command of commands) {
  const {argv, Cmd, request} = command

  describe(`heroku ${command.id} when it fails`, function () {
    let scope: nock.Scope

    beforeEach(function () {
      scope = nock(BROKER)
      terminal.readStdin = async () => `${SECRET}\n`
    })

    afterEach(function () {
      scope.done()
    })

    it('exits 6 with one line naming the broker when it cannot be reached', async function () {
      scope
        .intercept(request.path, request.method)
        .replyWithError(
          Object.assign(new Error('connect ECONNREFUSED 203.0.113.7:443'), {code: 'ECONNREFUSED'}),
        )

      const {exitCode, stderr, stdout} = await runAsCli(Cmd, argv)

      expect(exitCode).to.equal(6)
      expect(stderr).to.equal(
        failureOutput(
          command,
          `Could not reach the byo-s3 broker at ${BROKER}: connect ECONNREFUSED 203.0.113.7:443. Check BYO_S3_BROKER_URL.`,
        ),
      )
      expect(stdout).to.equal('')
    })

    for (const {exit, id, message, status} of brokerRefusals) {
      it(`exits ${exit} with the broker's sentence on one line when it answers ${status}`, async function () {
        scope.intercept(request.path, request.method).reply(status, {id, message})

        const {exitCode, stderr, stdout} = await runAsCli(Cmd, argv)

        expect(exitCode).to.equal(exit)
        expect(stderr).to.equal(failureOutput(command, message))
        expect(stdout).to.equal('')
        expect(stderr + stdout).not.to.contain(SECRET)
      })
    }

    for (const {exit, hint, status} of bareFailures) {
      it(`exits ${exit} with a one-line hint when the broker answers ${status} without a body`, async function () {
        scope.intercept(request.path, request.method).reply(status)

        const {exitCode, stderr, stdout} = await runAsCli(Cmd, argv)

        expect(exitCode).to.equal(exit)
        expect(stderr).to.equal(
          failureOutput(command, `The byo-s3 broker at ${BROKER} answered HTTP ${status}. ${hint}`),
        )
        expect(stdout).to.equal('')
      })
    }

    it('exits 2 with one line on an unknown flag and sends the broker nothing', async function () {
      let result: Awaited<ReturnType<typeof runAsCli>> | undefined

      const requests = await requestsDuring(async () => {
        result = await runAsCli(Cmd, [...argv, '--no-such-flag'])
      })

      expect(requests).to.deep.equal([])
      expect(result?.exitCode).to.equal(2)
      expect(result?.stderr).to.equal(
        ' ›   Error: Nonexistent flag: --no-such-flag. See more help with --help.\n',
      )
      expect(result?.stdout).to.equal('')
    })

    if (argv.includes('--team')) {
      it('exits 2 with one line without a team and sends the broker nothing', async function () {
        let result: Awaited<ReturnType<typeof runAsCli>> | undefined

        const requests = await requestsDuring(async () => {
          result = await runAsCli(Cmd, withoutTeam(argv))
        })

        expect(requests).to.deep.equal([])
        expect(result?.exitCode).to.equal(2)
        expect(result?.stderr).to.equal(
          ' ›   Error: Missing required flag team. See more help with --help.\n',
        )
      })
    }
  })
}

describe('heroku byo-s3:unlink without --confirm and without a terminal', function () {
  it('exits 2 with one line saying which flag to pass, and sends the broker nothing', async function () {
    let result: Awaited<ReturnType<typeof runAsCli>> | undefined

    const requests = await requestsDuring(async () => {
      result = await runAsCli(Unlink, ['--team', 'acme'])
    })

    expect(requests).to.deep.equal([])
    expect(result?.exitCode).to.equal(2)
    expect(result?.stderr).to.equal(
      ' ›   Error: Unlinking team acme needs a confirmation and stdin is not a terminal. Pass --confirm acme.\n',
    )
    expect(result?.stdout).to.equal('')
  })
})

describe('heroku byo-s3:doctor --fix without --confirm and without a terminal', function () {
  it('exits 2 with one line saying which flag to pass, and sends the broker nothing', async function () {
    let result: Awaited<ReturnType<typeof runAsCli>> | undefined

    const requests = await requestsDuring(async () => {
      result = await runAsCli(Doctor, ['--team', 'acme', '--fix'])
    })

    expect(requests).to.deep.equal([])
    expect(result?.exitCode).to.equal(2)
    expect(result?.stderr).to.equal(
      ' ›   Error: Repairing team acme needs a confirmation and stdin is not a terminal. Pass --confirm acme.\n',
    )
    expect(result?.stdout).to.equal('')
  })
})

describe('heroku byo-s3:link with a flag value it rejects', function () {
  it('exits 2 with the reason on one line for an access key id of the wrong shape', async function () {
    const {exitCode, stderr} = await runAsCli(Link, [
      '--team',
      'acme',
      '--access-key-id',
      'akia-bad',
      '--secret-stdin',
    ])

    expect(exitCode).to.equal(2)
    expect(stderr).to.equal(
      ' ›   Error: --access-key-id takes an AWS access key id: 16 to 128 capital letters and digits, like AKIAIOSFODNN7EXAMPLE; the value given (8 characters) is not one. See more help with --help.\n',
    )
  })

  it('exits 2 with the allowed values on one line for an unknown --on-deprovision', async function () {
    const {exitCode, stderr} = await runAsCli(Link, [
      '--team',
      'acme',
      '--on-deprovision',
      'archive',
    ])

    expect(exitCode).to.equal(2)
    expect(stderr).to.equal(
      ' ›   Error: Expected --on-deprovision=archive to be one of: delete, retain. See more help with --help.\n',
    )
  })
})

describe('heroku byo-s3:link with flags that do not go together', function () {
  const refusals: [string, string[], string][] = [
    [
      'a role and keys',
      ['--role-arn', ROLE_ARN, '--access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--secret-stdin'],
      "Pass either --role-arn or --access-key-id with its secret, not both: a team links an IAM role or an IAM user's keys.",
    ],
    [
      'a role and --secret-stdin',
      ['--role-arn', ROLE_ARN, '--secret-stdin'],
      "Pass either --role-arn or --access-key-id with its secret, not both: a team links an IAM role or an IAM user's keys.",
    ],
    [
      'printing the role setup and linking',
      ['--print-role-setup', '--role-arn', ROLE_ARN, '--region', 'eu-west-1'],
      '--print-role-setup only prints the role to create and links nothing, so it does not take --role-arn, --region. Run it alone, then link with --role-arn.',
    ],
    [
      'a new External ID without printing the role setup',
      ['--new-external-id', '--confirm', 'acme'],
      '--new-external-id, --confirm goes with --print-role-setup. Add it to print the role setup.',
    ],
    [
      'a format without printing the role setup',
      ['--role-arn', ROLE_ARN, '--format', 'cloudformation'],
      '--format goes with --print-role-setup. Add it to print the role setup.',
    ],
  ]

  for (const [what, flags, message] of refusals) {
    it(`exits 2 with one line for ${what}, and sends the broker nothing`, async function () {
      let result: Awaited<ReturnType<typeof runAsCli>> | undefined
      terminal.readStdin = async () => `${SECRET}\n`

      const requests = await requestsDuring(async () => {
        result = await runAsCli(Link, ['--team', 'acme', ...flags])
      })

      expect(requests).to.deep.equal([])
      expect(result?.exitCode).to.equal(2)
      expect(result?.stderr).to.equal(` ›   Error: ${message}\n`)
      expect(result?.stdout).to.equal('')
    })
  }

  it('exits 2 naming what a role ARN looks like for a malformed --role-arn', async function () {
    const {exitCode, stderr} = await runAsCli(Link, [
      '--team',
      'acme',
      '--role-arn',
      'arn:aws:iam::111122223333:user/linker',
    ])

    expect(exitCode).to.equal(2)
    expect(stderr).to.equal(
      ' ›   Error: --role-arn takes the ARN of an IAM role, like arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme; "arn:aws:iam::111122223333:user/linker" is not one. Copy it from the IAM console or the stack\'s RoleArn output. See more help with --help.\n',
    )
  })

  it('exits 2 with one line when a new External ID is not confirmed and there is no terminal', async function () {
    let result: Awaited<ReturnType<typeof runAsCli>> | undefined

    const requests = await requestsDuring(async () => {
      result = await runAsCli(Link, ['--team', 'acme', '--print-role-setup', '--new-external-id'])
    })

    expect(requests).to.deep.equal([])
    expect(result?.exitCode).to.equal(2)
    expect(result?.stderr).to.equal(
      ' ›   Error: Replacing the External ID of team acme needs a confirmation and stdin is not a terminal. Pass --confirm acme.\n',
    )
  })
})
