import {flags} from '@heroku-cli/command'
import {Flags, ux} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker} from '../../lib/broker.js'
import {confirmUnlink} from '../../lib/confirm.js'
import {color} from '../../lib/output.js'

export default class Unlink extends ByoS3Command {
  static override description = 'unlink a Heroku Team from its AWS account'

  static override examples = ['<%= config.bin %> <%= command.id %> --team acme --confirm acme']

  static override flags = {
    team: flags.team({description: 'team to use (defaults to $HEROKU_TEAM)', required: true}),
    confirm: Flags.string({description: 'name of the team, to unlink it without a prompt'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Unlink)
    const {confirm, team} = flags
    const broker = await connectBroker(this.heroku)
    await confirmUnlink(team, confirm)

    ux.action.start(`Unlinking team ${color.team(team)} from AWS`)
    await broker.deleteLink(team)
    ux.action.stop()

    this.log(`Unlinked team ${color.team(team)} from AWS. The broker no longer holds its AWS keys.`)
  }
}
