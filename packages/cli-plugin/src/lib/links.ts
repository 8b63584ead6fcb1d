import {color, hux} from '@heroku/heroku-cli-util'

import type {LinkInfo, LinkResult, TeamLink} from './broker.js'

export function linkedMessage({accessKeyId, awsAccountId, created, team}: LinkResult): string {
  if (!created) {
    return `Updated the link of team ${color.team(team.name)} to AWS account ${awsAccountId} (access key ${accessKeyId}).`
  }

  const next = color.code('heroku addons:create byo-s3')
  return `Linked team ${color.team(team.name)} to AWS account ${awsAccountId}. Developers can now run ${next}.`
}

export function printLinks(links: TeamLink[]): void {
  hux.table(links, {
    team: {get: (link) => link.team.name, header: 'Team'},
    role: {get: (link) => link.role ?? '', header: 'Role'},
    linked: {get: (link) => (link.linked ? 'yes' : 'no'), header: 'Linked'},
    awsAccountId: {get: (link) => link.awsAccountId ?? '', header: 'AWS Account'},
  })
}

export function printLinkInfo(link: LinkInfo): void {
  hux.styledHeader(`AWS link of team ${color.team(link.team.name)}`)
  hux.styledObject({
    Team: link.team.name,
    'AWS Account': link.awsAccountId,
    'Access Key': link.accessKeyId,
    'On Deprovision': link.onDeprovision,
    Buckets: link.bucketCount,
    'Linked By': link.linkedBy,
    'Linked At': link.linkedAt,
    'Verified At': link.verifiedAt,
  })
}
