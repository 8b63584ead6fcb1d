import {flags} from '@heroku-cli/command'
import {Args, Flags, ux} from '@oclif/core'

import {setTimeout as sleep} from 'node:timers/promises'

import {
  AddonBroker,
  findByoS3Addon,
  type Rotation,
  rotationPolling,
} from '../../../lib/addon-credentials.js'
import {ByoS3Command} from '../../../lib/command.js'
import {ByoS3Error, ExitCode} from '../../../lib/errors.js'
import {color, printJson} from '../../../lib/output.js'

export default class Rotate extends ByoS3Command {
  static override args = {
    addon: Args.string({
      description: 'name or id of the byo-s3 add-on, when the app has more than one',
    }),
  }

  static override summary = "replace an add-on's AWS access key without downtime"

  static override description = [
    'Creates a second key, proves it works against the bucket, sets it on the app (which restarts it), and deletes the old key after an overlap, so dynos still running with the old key keep working.',
    'Any collaborator of the app may run it; your Heroku token is not sent to the broker.',
  ].join('\n\n')

  static override examples = [
    '<%= config.bin %> <%= command.id %> -a my-app',
    '<%= config.bin %> <%= command.id %> -a my-app byo-s3-angular-71234 --json',
  ]

  static override flags = {
    app: flags.app({required: true}),
    json: Flags.boolean({description: 'output in json format'}),
    remote: flags.remote(),
    wait: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'wait until the new key is set on the app (--no-wait returns once it started)',
    }),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Rotate)
    const addon = await findByoS3Addon(this.heroku, flags.app, args.addon)
    const broker = new AddonBroker(this.heroku, addon)

    ux.action.start(
      `Rotating the credentials of ${color.addon(addon.name)} on ${color.app(flags.app)}`,
    )
    const {rotation: current, started} = await broker.rotate()
    if (!started && current.state === 'overlap') {
      ux.action.stop('already done')
      throw new ByoS3Error(
        `The add-on's key was rotated at ${current.startedAt}; the old key ${current.previousAccessKeyId} is deleted at ${current.previousKeyDeletesAt}, and the next rotation can start after that.`,
        ExitCode.refused,
      )
    }

    let rotation = current
    if (!started && flags.wait) {
      ux.action.stop(`a rotation started at ${current.startedAt} is running already`)
      ux.action.start('Waiting for it')
    }
    if (flags.wait) rotation = await this.waitForNewKey(broker, rotation)
    ux.action.stop(rotation.state === 'rotating' ? 'started' : 'done')

    if (rotation.state === 'failed') {
      throw new ByoS3Error(
        `Rotation failed: ${rotation.failureReason ?? 'no reason given'}. The app keeps its key ${rotation.accessKeyId}; try again, or ask a team admin to run heroku byo-s3:verify.`,
        ExitCode.refused,
      )
    }

    if (flags.json) {
      printJson(rotation)
      return
    }

    this.log(rotationMessage(rotation, flags.app))
  }

  private async waitForNewKey(broker: AddonBroker, started: Rotation): Promise<Rotation> {
    let rotation = started
    const deadline = Date.now() + rotationPolling.maxWaitMs
    while (rotation.state === 'rotating' && Date.now() < deadline) {
      await sleep(rotationPolling.intervalMs)
      rotation = await broker.credentials()
    }

    return rotation
  }
}

function rotationMessage(rotation: Rotation, app: string): string {
  if (rotation.state === 'rotating') {
    return `The new key is being made and tested; the app gets it in a few minutes. The add-on's dashboard shows when: heroku addons:open byo-s3 -a ${app}.`
  }

  const lines = [`The app now uses access key ${rotation.accessKeyId}.`]
  if (rotation.previousAccessKeyId) {
    const when = rotation.previousKeyDeletesAt ?? 'after the overlap'
    lines.push(
      `The old key ${rotation.previousAccessKeyId} keeps working until ${when}, then it is deleted.`,
    )
  }

  return lines.join('\n')
}
