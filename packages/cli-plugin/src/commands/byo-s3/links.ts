import {Flags} from '@oclif/core'

import {ByoS3Command} from '../../lib/command.js'
import {connectBroker} from '../../lib/broker.js'
import {printLinks} from '../../lib/links.js'
import {printJson} from '../../lib/output.js'

export default class Links extends ByoS3Command {
  static override description =
    'list your teams, your role in each and the AWS account each is linked to'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override flags = {
    json: Flags.boolean({description: 'output in json format'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Links)
    const broker = await connectBroker(this.heroku)
    const links = await broker.listLinks()

    if (flags.json) {
      printJson(links)
      return
    }

    if (links.length === 0) {
      this.log('You are not a member of any Heroku Team. Join or create one to use byo-s3.')
      return
    }

    printLinks(links)
  }
}
