import {expect} from 'chai'
import {createLogger} from '../src/logger.js'
import {findLeaks} from './helpers/log-audit.js'

describe('the log audit of test runs', () => {
  const secret = 'audit-sample-secret-5f1e2d3c'
  const secrets = new Map([[secret, 'sample secret']])

  function logged(write: (log: ReturnType<typeof createLogger>) => void): string[] {
    const lines: string[] = []
    const log = createLogger('trace', {write: (line: string) => lines.push(line)})
    write(log)
    return lines
  }

  it('catches a secret logged anywhere in a line, naming its label and msg but not the secret', () => {
    const lines = logged((log) => {
      log.info({detail: `key=${secret}`}, 'link checked')
      log.trace(`about to use ${secret}`)
      log.info({addonId: 'x'}, 'nothing to see')
    })

    const leaks = findLeaks(lines, secrets)

    expect(leaks).to.deep.equal([
      {label: 'sample secret', msg: 'link checked'},
      {label: 'sample secret', msg: 'about to use [sample secret]'},
    ])
  })

  it('catches a secret JSON escaped in the line', () => {
    const slashed = 'with"quote\\and-more'
    const lines = logged((log) => log.warn({value: slashed}, 'escaped'))

    expect(findLeaks(lines, new Map([[slashed, 'escaped secret']]))).to.deep.equal([
      {label: 'escaped secret', msg: 'escaped'},
    ])
  })

  it('finds nothing once pino redacts the secret', () => {
    const lines = logged((log) => log.info({password: secret, secretAccessKey: secret}, 'x'))

    expect(lines).to.have.length(1)
    expect(findLeaks(lines, secrets)).to.deep.equal([])
  })
})
