import {flags} from '@heroku-cli/command'
import {Flags, ux} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker} from '../../lib/broker.js'
import {failureLines, printBuckets} from '../../lib/buckets.js'
import {color, printJson} from '../../lib/output.js'

export default class Buckets extends ByoS3Command {
  static override description = 'list every byo-s3 bucket of a team, with its app, region and state'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --team acme',
    '<%= config.bin %> <%= command.id %> --team acme --json',
  ]

  static override flags = {
    team: flags.team({description: 'team to use (defaults to $HEROKU_TEAM)', required: true}),
    json: Flags.boolean({description: 'output in json format'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Buckets)
    const {team} = flags
    const broker = await connectBroker(this.heroku)

    ux.action.start(`Listing the byo-s3 add-ons of team ${color.team(team)}`)
    const buckets = await broker.listBuckets(team)
    ux.action.stop()

    if (flags.json) {
      printJson(buckets)
      return
    }

    if (buckets.length === 0) {
      this.log(`Team ${color.team(team)} has no byo-s3 add-ons.`)
      return
    }

    printBuckets(buckets)
    for (const line of failureLines(buckets)) this.log(line)
  }
}
