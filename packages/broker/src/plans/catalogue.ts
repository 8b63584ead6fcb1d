import {type BucketSettings, DEFAULT_BUCKET_SETTINGS} from '../aws/bucket-settings.js'
import {BrokerError, excerpt} from '../errors.js'

export interface Plan {
  /** The plan's slug as Heroku sends it, without the `byo-s3:` prefix. */
  slug: string
  /** What the plan gives, in a few words; the README's catalogue repeats it. */
  summary: string
  /** The bucket settings the plan starts from; the add-on's options override them. */
  settings: BucketSettings
}

/**
 * Every plan the broker knows. The plans themselves are created in Heroku's Partner Portal with
 * these slugs; a slug missing here is refused, so add a plan here before publishing it there.
 */
export const PLANS: Plan[] = [
  {
    slug: 'standard',
    summary: 'a private bucket, unversioned',
    settings: DEFAULT_BUCKET_SETTINGS,
  },
  {
    slug: 'versioned',
    summary: 'a private bucket with versioning; old versions are deleted after 30 days',
    settings: {...DEFAULT_BUCKET_SETTINGS, versioning: true, noncurrentExpiryDays: 30},
  },
]

/** The plan Heroku names when it names none. */
export const DEFAULT_PLAN = 'standard'

/** The plan with this slug, or a 422 naming the plans there are. */
export function planNamed(slug: string | null | undefined): Plan {
  const plan = PLANS.find((candidate) => candidate.slug === (slug ?? DEFAULT_PLAN))
  if (plan) return plan

  throw new BrokerError(
    422,
    'unknown_plan',
    `byo-s3 has no plan "${excerpt(String(slug))}". Its plans are: ` +
      `${PLANS.map(({slug: known, summary}) => `${known} (${summary})`).join(', ')}.`,
  )
}
