import {flags} from '@heroku-cli/command'
import {Flags, ux} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker} from '../../lib/broker.js'
import {confirmFix} from '../../lib/confirm.js'
import {doctorLines, problemsError} from '../../lib/doctor.js'
import {ExitCode} from '../../lib/errors.js'
import {color, printJson} from '../../lib/output.js'

export default class Doctor extends ByoS3Command {
  static override summary = "check a team's AWS account for drift from what byo-s3 made"

  static override description = [
    "Compares what the team's AWS account holds under byo-s3's tags and IAM path with the broker's records, and reports orphaned buckets, users and keys, missing ones, bucket settings that drifted, and stuck or failing jobs. Only team admins may run it.",
    '--fix deletes IAM users and access keys tagged for the team that belong to no add-on, and applies drifted bucket settings again; it never deletes a bucket.',
    'Exits 0 when nothing is wrong, 8 when problems remain (retained buckets are not problems), and with the usual codes when the check itself fails.',
  ].join('\n\n')

  static override examples = [
    '<%= config.bin %> <%= command.id %> --team acme',
    '<%= config.bin %> <%= command.id %> --team acme --json',
    '<%= config.bin %> <%= command.id %> --team acme --fix --confirm acme',
  ]

  static override flags = {
    team: flags.team({description: 'team to use (defaults to $HEROKU_TEAM)', required: true}),
    fix: Flags.boolean({
      description: 'also apply the repairs that are safe, and list each outcome',
    }),
    confirm: Flags.string({
      dependsOn: ['fix'],
      description: 'name of the team, to repair it without a prompt',
    }),
    json: Flags.boolean({description: 'output in json format'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    const {fix, team} = flags
    const broker = await connectBroker(this.heroku)
    if (fix) await confirmFix(team, flags.confirm)

    ux.action.start(`${fix ? 'Checking and repairing' : 'Checking'} team ${color.team(team)}`)
    const report = await broker.doctor(team, {fix})
    ux.action.stop()

    if (flags.json) {
      printJson(report)
      // The JSON says it all; the exit code is left for scripts, without a line on stderr.
      if (report.problems > 0) this.exit(ExitCode.problems)
      return
    }

    for (const line of doctorLines(report)) this.log(line)
    if (report.problems > 0) throw problemsError(report)
  }
}
