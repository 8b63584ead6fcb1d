import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {linkAcme} from '../helpers/slice.js'
import {
  appKeyOf,
  endOverlap,
  provisionedAddon,
  rotationRows,
  runRotation,
} from '../helpers/rotation.js'
import {rotationOf, startRotation} from '../../src/rotation/rotation.js'

describe('the rotation job', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('swaps the app to a new key, keeps the old one through the overlap, then deletes it', async () => {
    const {uuid, config, keys} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!

    const started = await startRotation(broker.app.services, uuid)
    expect(started).to.include({state: 'rotating', accessKeyId: oldKey})
    await runRotation(broker, uuid)

    const newKey = config.accessKeyId()!
    expect(newKey).to.not.equal(oldKey)
    expect(keys()).to.have.members([oldKey, newKey])
    expect(await appKeyOf(broker, uuid)).to.equal(newKey)
    const overlap = await rotationOf(broker.app.services, uuid)
    expect(overlap).to.include({
      state: 'overlap',
      accessKeyId: newKey,
      previousAccessKeyId: oldKey,
    })
    const deletesIn = Date.parse(overlap.previousKeyDeletesAt!) - Date.now()
    expect(deletesIn).to.be.within(59 * 60_000, 60 * 60_000)

    await endOverlap(broker, uuid)
    await runRotation(broker, uuid)

    expect(keys()).to.deep.equal([newKey])
    expect(await rotationOf(broker.app.services, uuid)).to.include({
      state: 'idle',
      accessKeyId: newKey,
      previousAccessKeyId: null,
    })
    const [row] = await rotationRows(broker, uuid)
    expect(row.state).to.equal('done')
    expect(row.newSecretAccessKeySealed).to.equal(null)
  })
})
