import {Config, Help} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {expect} from 'chai'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The plugin's commands as `heroku help` finds them. NODE_ENV=test makes oclif load them from
 * src rather than from a build that may be stale.
 */
async function loadConfig(): Promise<Config> {
  const env = process.env.NODE_ENV
  process.env.NODE_ENV = 'test'
  try {
    return await Config.load({root})
  } finally {
    process.env.NODE_ENV = env
  }
}

describe('the help of the byo-s3 commands', function () {
  let config: Config

  before(async function () {
    config = await loadConfig()
  })

  async function helpOf(id: string): Promise<string> {
    const command = config.findCommand(id)
    if (!command) throw new Error(`no command ${id}`)
    const {stdout} = await captureOutput(() =>
      new Help(config, {maxWidth: 200, stripAnsi: true}).showCommandHelp(command),
    )
    return stdout
  }

  it('gives credentials:rotate a one-line summary and a description of whole sentences', async function () {
    const help = await helpOf('byo-s3:credentials:rotate')
    const description = help.split('\nDESCRIPTION\n')[1].split('\nEXAMPLES\n')[0]
    const paragraphs = description.trim().split('\n\n')

    expect(help.split('\n')[0]).to.equal("replace an add-on's AWS access key without downtime")
    expect(paragraphs[1]).to.match(
      /^ {2}Creates a second key, proves it works against the bucket, /,
    )
    for (const paragraph of paragraphs) expect(paragraph).not.to.contain('\n')
  })

  it('says every --team defaults to HEROKU_TEAM', async function () {
    const ids = config.commands
      .filter((command) => command.pluginName === '@byo-s3/heroku-cli-plugin')
      .filter((command) => command.flags.team)
      .map((command) => command.id)

    expect(ids).to.include.members(['byo-s3:buckets', 'byo-s3:info', 'byo-s3:link'])
    for (const id of ids) {
      expect(await helpOf(id), id).to.match(
        /-t, --team=<value>\s+\(required\) team to use \(defaults to \$HEROKU_TEAM\)/,
      )
    }
  })
})
