import {ux} from '@oclif/core'

import {terminal} from '../../src/lib/terminal.js'
import {resetNetwork, watchForStrayRequests} from './network.js'

process.env.HEROKU_API_KEY = 'heroku-token-for-tests'
process.env.BYO_S3_BROKER_URL = 'https://broker.example.test'
process.env.HEROKU_SKIP_NEW_VERSION_CHECK = 'true'
delete process.env.HEROKU_TEAM
delete process.env.HEROKU_ORGANIZATION
delete process.env.HEROKU_DEBUG
process.env.COLUMNS = '200'
process.stdout.columns = 200
process.stderr.columns = 200

watchForStrayRequests()

const realTerminal = {...terminal}

function notStubbed(name: string) {
  return async () => {
    throw new Error(`terminal.${name} was called but the test did not stub it`)
  }
}

// ux.action writes through a stream it captured at load time, so captureOutput would miss the
// spinner text. Writing it to stderr ourselves keeps it assertable. Like the real spinner, stop
// prints nothing when no spinner is running.
export const mochaHooks = {
  beforeEach() {
    let spinning = false
    ux.action.start = (action: string) => {
      spinning = true
      process.stderr.write(`${action}... `)
    }

    ux.action.stop = (message = 'done') => {
      if (spinning) process.stderr.write(`${message}\n`)
      spinning = false
    }

    Object.assign(terminal, {
      isInteractive: () => false,
      prompt: notStubbed('prompt'),
      promptHidden: notStubbed('promptHidden'),
      readStdin: notStubbed('readStdin'),
    })
  },

  afterEach() {
    Reflect.deleteProperty(ux.action, 'start')
    Reflect.deleteProperty(ux.action, 'stop')
    Object.assign(terminal, realTerminal)
    const stray = resetNetwork()
    if (stray.length > 0) throw new Error(`requests reached no mock: ${stray.join(', ')}`)
  },
}
