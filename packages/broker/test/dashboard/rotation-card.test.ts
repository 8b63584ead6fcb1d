import {expect} from 'chai'
import {rotationCard} from '../../src/dashboard/rotation-card.js'
import type {RotationView} from '../../src/rotation/rotation.js'

const idle: RotationView = {
  addonId: '01234567-89ab-4def-8123-456789abcdef',
  accessKeyId: 'AKIANEWAPPKEY0000002',
  state: 'idle',
  previousAccessKeyId: null,
  previousKeyDeletesAt: null,
  startedAt: null,
  finishedAt: null,
  failureReason: null,
}

const card = (changes: Partial<RotationView>) =>
  rotationCard({...idle, ...changes}, 'csrf-token-1').text.replace(/\s+/g, ' ')

describe('the rotation card', () => {
  it('offers the button with the session’s CSRF token when no rotation runs', () => {
    const text = card({})

    expect(text).to.contain('has not been rotated since the add-on was created')
    expect(text).to.contain('<input type="hidden" name="csrf" value="csrf-token-1" />')
    expect(text).to.match(/<button type="submit"\s*>Rotate credentials<\/button>/)
  })

  it('tells when the key was last rotated', () => {
    expect(card({finishedAt: '2026-03-04T09:15:42.000Z'})).to.contain(
      'Last rotated 2026-03-04 09:15 UTC.',
    )
  })

  it('disables the button while a rotation runs or its overlap lasts', () => {
    for (const state of ['rotating', 'overlap'] as const) {
      expect(card({state, startedAt: '2026-03-04T09:15:42.000Z'})).to.match(
        /<button type="submit"\s+disabled/,
      )
    }
  })

  it('names both keys and when the old one is deleted during the overlap', () => {
    const text = card({
      state: 'overlap',
      previousAccessKeyId: 'AKIANEWAPPKEY0000001',
      previousKeyDeletesAt: '2026-03-04T10:15:42.000Z',
    })

    expect(text).to.contain('The app now uses <code>AKIANEWAPPKEY0000002</code>')
    expect(text).to.contain('The previous key <code>AKIANEWAPPKEY0000001</code> keeps working')
    expect(text).to.contain('until 2026-03-04 10:15 UTC')
  })

  it('shows why a rotation failed, escaped, and offers to try again', () => {
    const text = card({
      state: 'failed',
      failureReason: 'AccessDenied: <not> allowed',
      previousAccessKeyId: 'AKIANEWAPPKEY0000001',
    })

    expect(text).to.contain('AccessDenied: &lt;not&gt; allowed')
    expect(text).to.contain('Try again.')
    expect(text).to.contain('<code>AKIANEWAPPKEY0000001</code> still exists')
    expect(text).not.to.match(/disabled/)
  })
})
