import {flags} from '@heroku-cli/command'
import {Flags, ux} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker} from '../../lib/broker.js'
import {printLinkInfo} from '../../lib/links.js'
import {color, printJson} from '../../lib/output.js'

export default class Info extends ByoS3Command {
  static override description =
    "show a team's AWS link: account, key or role, settings, who linked it and how many buckets it has"

  static override examples = [
    '<%= config.bin %> <%= command.id %> --team acme',
    '<%= config.bin %> <%= command.id %> --team acme --json',
  ]

  static override flags = {
    team: flags.team({description: 'team to use (defaults to $HEROKU_TEAM)', required: true}),
    json: Flags.boolean({description: 'output in json format'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Info)
    const {team} = flags
    const broker = await connectBroker(this.heroku)

    ux.action.start(`Reading the AWS link of team ${color.team(team)}`)
    const link = await broker.getLink(team)
    ux.action.stop()

    if (flags.json) {
      printJson(link)
      return
    }

    printLinkInfo(link)
  }
}
