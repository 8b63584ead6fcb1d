import {flags} from '@heroku-cli/command'
import {Flags, ux} from '@oclif/core'

import {connectBroker, type LinkSettings} from '../../lib/broker.js'
import {ByoS3Command} from '../../lib/command.js'
import {confirmNewExternalId} from '../../lib/confirm.js'
import {ByoS3Error, ExitCode} from '../../lib/errors.js'
import {checkLinkFlags, parseRoleArn} from '../../lib/link-flags.js'
import {linkedMessage, settingsSentence} from '../../lib/links.js'
import {forcedOptions, optionList} from '../../lib/option-flags.js'
import {ROLE_SETUP_FORMATS, roleSetupNextSteps, roleSetupText} from '../../lib/role-setup.js'
import {readSecretAccessKey} from '../../lib/secret.js'
import {color} from '../../lib/output.js'
import {missingError, notCheckedMessage, permissionLines} from '../../lib/verify.js'

export default class Link extends ByoS3Command {
  static override description =
    'link a Heroku Team to an AWS account, so its apps can create byo-s3 add-ons'

  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --team acme --print-role-setup',
      description:
        'print the trust and permissions policies of the role to create for the team, with its External ID',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --team acme --print-role-setup --format cloudformation > byo-s3-role.yaml',
      description: 'the same as a CloudFormation template that creates the role',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --team acme --role-arn arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme',
      description: 'link the team to that role: no AWS keys are stored (recommended)',
    },
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
    {
      command:
        '<%= config.bin %> <%= command.id %> --team acme --region eu-central-1 --bucket-prefix acme-data',
      description:
        'keep the keys and change where new buckets go and how they are named (acme-data-<app>-<random>)',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --team acme --region app',
      description: "create each new bucket in its app's own region again",
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --team acme --allow-public --forbid-option bucket --force-option versioning=true',
      description:
        'let add-ons make public/ readable, forbid adopting existing buckets, and version every new bucket',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --team acme --allow-adopt',
      description:
        'let add-ons adopt existing buckets of the account with --bucket, giving each a key to all its objects',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --team acme --no-allow-public --no-allow-adopt --forbid-option none --force-option none',
      description: 'go back to the default policy for add-on options',
    },
  ]

  static override flags = {
    team: flags.team({description: 'team to use (defaults to $HEROKU_TEAM)', required: true}),
    'allow-public': Flags.boolean({
      allowNo: true,
      description:
        "let the team's add-ons make objects under public/ readable by anyone (--public-prefix); --no-allow-public forbids it again, the default",
    }),
    'allow-adopt': Flags.boolean({
      allowNo: true,
      description:
        "let the team's add-ons adopt any existing bucket of the AWS account (--bucket), which gives the add-on a key that reads, writes and deletes all its objects; --no-allow-adopt forbids it again, the default",
    }),
    'access-key-id': Flags.string({
      description:
        'access key id of the IAM user byo-s3 acts as in the AWS account; leave it out to change settings only',
      async parse(input) {
        if (/^[A-Z0-9]{16,128}$/.test(input)) return input

        // The value is not echoed: a secret pasted here by mistake would land on stderr.
        throw new ByoS3Error(
          `--access-key-id takes an AWS access key id: 16 to 128 capital letters and digits, like AKIAIOSFODNN7EXAMPLE; the value given (${input.length} characters) is not one.`,
          ExitCode.usage,
        )
      },
    }),
    'forbid-option': Flags.string({
      description:
        "an add-on option the team's developers may not use, such as bucket or public-prefix; repeat it for more; replaces the list, and 'none' empties it",
      multiple: true,
    }),
    'force-option': Flags.string({
      description:
        "an add-on option every new add-on gets whatever its creator asks, as name=value, such as versioning=true; repeat it for more; replaces the list, and 'none' empties it",
      multiple: true,
    }),
    confirm: Flags.string({
      description:
        'name of the team, to replace its External ID (--new-external-id) without a prompt',
    }),
    format: Flags.option({
      description:
        'how --print-role-setup prints: the two policies as JSON, or a CloudFormation template (YAML or JSON) that creates the role',
      options: ROLE_SETUP_FORMATS,
    })(),
    'new-external-id': Flags.boolean({
      description:
        "with --print-role-setup: replace the team's External ID; a role linked now stops working until its trust policy names the new one",
    }),
    'print-role-setup': Flags.boolean({
      description:
        "print the IAM role to create for --role-arn: its trust policy (with the team's External ID) and its permissions",
    }),
    'role-arn': Flags.string({
      description:
        "ARN of an IAM role in the team's AWS account that byo-s3 assumes; no AWS keys are stored (see --print-role-setup)",
      parse: async (input) => parseRoleArn(input),
    }),
    'bucket-prefix': Flags.string({
      description:
        'first part of the name of every new bucket (default byo-s3): 3 to 20 lower-case letters, digits and hyphens; lets an AWS policy scope S3 rights to <prefix>-*',
    }),
    'on-deprovision': Flags.option({
      description:
        'what destroying an add-on does with its bucket: delete it with its data, or keep it for the team',
      options: ['delete', 'retain'] as const,
    })(),
    region: Flags.string({
      description:
        "AWS region for new buckets, such as eu-west-1, whatever the app's region; 'app' puts each bucket in its app's own region (the default)",
    }),
    'secret-stdin': Flags.boolean({
      description: 'read the secret access key from stdin instead of prompting for it',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Link)
    const {team} = flags
    checkLinkFlags(flags)
    if (flags['print-role-setup']) {
      return this.printRoleSetup(
        team,
        flags.format ?? 'json',
        flags['new-external-id'],
        flags.confirm,
      )
    }

    const settings: LinkSettings = {
      allowAdopt: flags['allow-adopt'],
      allowPublic: flags['allow-public'],
      bucketPrefix: flags['bucket-prefix'],
      forbiddenOptions: optionList(flags['forbid-option']),
      forcedOptions: forcedOptions(flags['force-option']),
      onDeprovision: flags['on-deprovision'],
      region: flags.region === 'app' ? null : flags.region,
    }
    if (flags['role-arn']) return this.linkRole(team, flags['role-arn'], settings)
    if (!flags['access-key-id']) return this.changeSettings(team, settings)

    const broker = await connectBroker(this.heroku)
    const secretAccessKey = await readSecretAccessKey(flags['secret-stdin'])

    ux.action.start(`Linking team ${color.team(team)} to AWS`)
    const link = await broker.putLink(team, {
      accessKeyId: flags['access-key-id'],
      secretAccessKey,
      ...settings,
    })
    ux.action.stop()

    this.log(linkedMessage(link))
  }

  private async printRoleSetup(
    team: string,
    format: (typeof ROLE_SETUP_FORMATS)[number],
    newExternalId: boolean,
    confirmation: string | undefined,
  ) {
    const broker = await connectBroker(this.heroku)
    if (newExternalId) await confirmNewExternalId(team, confirmation)

    const setup = await broker.roleSetup(team, newExternalId)
    this.log(await roleSetupText(setup, format))
    this.logToStderr(roleSetupNextSteps(setup, format))
  }

  private async linkRole(team: string, roleArn: string, settings: LinkSettings) {
    const broker = await connectBroker(this.heroku)
    ux.action.start(`Linking team ${color.team(team)} to AWS through role ${roleArn}`)
    const link = await broker.putLink(team, {roleArn, ...settings})
    ux.action.stop()

    this.log(linkedMessage(link))
    const dryRun = link.verification
    if (!dryRun) return

    for (const line of permissionLines(dryRun.permissions)) this.log(line)
    if (!dryRun.permissionsChecked) this.log(notCheckedMessage(dryRun.reason, 'role'))
    else if (dryRun.missing.length > 0) throw missingError(dryRun.missing, 'role')
  }

  private async changeSettings(team: string, settings: LinkSettings) {
    if (Object.values(settings).every((value) => value === undefined)) {
      throw new ByoS3Error(
        'Pass --role-arn or --access-key-id to link the team, --print-role-setup to see the role to create, or a setting (--region, --bucket-prefix, --on-deprovision, --allow-public, --allow-adopt, --forbid-option, --force-option) to change it.',
        ExitCode.usage,
      )
    }

    const broker = await connectBroker(this.heroku)
    ux.action.start(`Changing the AWS link settings of team ${color.team(team)}`)
    const link = await broker.patchLink(team, settings)
    ux.action.stop()
    this.log(`Changed the AWS link of team ${color.team(team)}. ${settingsSentence(link)}`)
  }
}
