import {BrokerError} from '../errors.js'

/** AWS regions a bucket may be created in: commercial regions enabled in every account. */
export const supportedRegions = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
  'sa-east-1',
])

/** Turns Heroku's `amazon-web-services::eu-west-1` into `eu-west-1`, or refuses it. */
export function awsRegionOf(herokuRegion: unknown): string {
  if (herokuRegion === undefined || herokuRegion === null || herokuRegion === '') {
    throw new BrokerError(422, 'missing_region', 'The provision request named no region.')
  }

  const [provider, region] = String(herokuRegion ?? '').split('::')
  if (provider !== 'amazon-web-services' || !supportedRegions.has(region)) {
    throw new BrokerError(
      422,
      'unsupported_region',
      `byo-s3 cannot create a bucket for the Heroku region "${String(herokuRegion)}". ` +
        `Supported AWS regions: ${[...supportedRegions].join(', ')}.`,
    )
  }

  return region
}
