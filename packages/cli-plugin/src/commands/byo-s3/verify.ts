import {flags} from '@heroku-cli/command'
import {Flags, ux} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker} from '../../lib/broker.js'
import {missingError, notCheckedMessage, recommendedMessage, verifyLines} from '../../lib/verify.js'
import {color, printJson} from '../../lib/output.js'

export default class Verify extends ByoS3Command {
  static override description =
    "check a team's AWS keys or role now and list each permission provisioning needs"

  static override examples = [
    '<%= config.bin %> <%= command.id %> --team acme',
    '<%= config.bin %> <%= command.id %> --team acme --json',
  ]

  static override flags = {
    team: flags.team({description: 'team to use (defaults to $HEROKU_TEAM)', required: true}),
    json: Flags.boolean({description: 'output in json format'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Verify)
    const {team} = flags
    const broker = await connectBroker(this.heroku)

    ux.action.start(`Checking the AWS link of team ${color.team(team)}`)
    const result = await broker.verifyLink(team)
    ux.action.stop()

    // Scripts read `missing` from the JSON, so a missing permission is no error there.
    if (flags.json) {
      printJson(result)
      return
    }

    for (const line of verifyLines(result)) this.log(line)
    if (!result.permissionsChecked) {
      this.log(notCheckedMessage(result.reason, result.kind))
      return
    }

    const recommended = result.missingRecommended ?? []
    if (recommended.length > 0) this.log(recommendedMessage(recommended))
    if (result.missing.length > 0) throw missingError(result.missing, result.kind)
  }
}
