import {flags} from '@heroku-cli/command'
import {color} from '@heroku/heroku-cli-util'
import {Flags, ux} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker, type OnDeprovision} from '../../lib/broker.js'
import {ByoS3Error, ExitCode} from '../../lib/errors.js'
import {linkedMessage} from '../../lib/links.js'
import {readSecretAccessKey} from '../../lib/secret.js'

export default class Link extends ByoS3Command {
  static override description =
    'link a Heroku Team to an AWS account, so its apps can create byo-s3 add-ons'

  static override examples = [
    {
      command:
        '<%= config.bin %> <%= command.id %> --team acme --access-key-id AKIAIOSFODNN7EXAMPLE',
      description: 'link a team, typing the secret access key at a hidden prompt',
    },
    {
      command:
        'printf %s "$AWS_SECRET_ACCESS_KEY" | <%= config.bin %> <%= command.id %> --team acme --access-key-id AKIAIOSFODNN7EXAMPLE --secret-stdin',
      description: 'read the secret access key from stdin, as in CI',
    },
  ]

  static override flags = {
    team: flags.team({required: true}),
    'access-key-id': Flags.string({
      description:
        'access key id of the IAM user byo-s3 acts as in the AWS account; leave it out to change settings only',
      async parse(input) {
        if (/^[A-Z0-9]{16,128}$/.test(input)) return input

        throw new ByoS3Error(
          `${input} is not an AWS access key id: those are 16 or more capital letters and digits, like AKIAIOSFODNN7EXAMPLE.`,
          ExitCode.usage,
        )
      },
    }),
    'on-deprovision': Flags.option({
      description:
        'what destroying an add-on does with its bucket: delete it with its data, or keep it for the team',
      options: ['delete', 'retain'] as const,
    })(),
    'secret-stdin': Flags.boolean({
      description: 'read the secret access key from stdin instead of prompting for it',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Link)
    const {team} = flags
    const onDeprovision = flags['on-deprovision']
    if (!flags['access-key-id']) return this.changeSettings(team, onDeprovision)

    const broker = await connectBroker(this.heroku)
    const secretAccessKey = await readSecretAccessKey(flags['secret-stdin'])

    ux.action.start(`Linking team ${color.team(team)} to AWS`)
    const link = await broker.putLink(team, {
      accessKeyId: flags['access-key-id'],
      secretAccessKey,
      onDeprovision: flags['on-deprovision'],
    })
    ux.action.stop()

    this.log(linkedMessage(link))
  }

  private async changeSettings(team: string, onDeprovision: OnDeprovision | undefined) {
    if (!onDeprovision) {
      throw new ByoS3Error(
        'Pass --access-key-id to link the team, or a setting such as --on-deprovision to change it.',
        ExitCode.usage,
      )
    }

    const broker = await connectBroker(this.heroku)
    ux.action.start(`Changing the AWS link settings of team ${color.team(team)}`)
    await broker.patchLink(team, {onDeprovision})
    ux.action.stop()
    this.log(
      `Destroying a byo-s3 add-on of team ${color.team(team)} now ${onDeprovision === 'retain' ? 'keeps its bucket' : 'deletes its bucket'}.`,
    )
  }
}
