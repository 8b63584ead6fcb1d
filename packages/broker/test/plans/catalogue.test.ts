import {readFileSync} from 'node:fs'
import {expect} from 'chai'
import {DEFAULT_BUCKET_SETTINGS} from '../../src/aws/bucket-settings.js'
import {DEFAULT_PLAN, PLANS, planNamed} from '../../src/plans/catalogue.js'

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')

/** The README's plan table: `| `byo-s3:<slug>` | <settings> |` rows, in order. */
function documentedPlans(): {slug: string; summary: string}[] {
  return [...readme.matchAll(/^\| `byo-s3:([a-z0-9-]+)` +\| (.+?) +\|$/gm)].map(
    ([, slug, summary]) => ({slug, summary}),
  )
}

describe('the plan catalogue', () => {
  it('is the one the README documents, plan for plan and in the same words', () => {
    expect(documentedPlans()).to.deep.equal(PLANS.map(({slug, summary}) => ({slug, summary})))
  })

  it('has the plan Heroku’s requests name by default, a private bucket with no extras', () => {
    expect(planNamed(DEFAULT_PLAN).settings).to.deep.equal(DEFAULT_BUCKET_SETTINGS)
    expect(planNamed(undefined).slug).to.equal(DEFAULT_PLAN)
    expect(DEFAULT_PLAN).to.equal('standard')
  })

  it('has a versioned plan that expires noncurrent versions', () => {
    expect(planNamed('versioned').settings).to.deep.include({
      versioning: true,
      noncurrentExpiryDays: 30,
      publicPrefix: null,
    })
  })

  it('keeps every plan private, so a plan change never needs the team to allow public buckets', () => {
    for (const {slug, settings} of PLANS) {
      expect(slug).to.match(/^[a-z0-9][a-z0-9-]*$/)
      expect(settings.publicPrefix, slug).to.equal(null)
    }
  })
})
