import {color, hux} from '@heroku/heroku-cli-util'

import type {LinkResult, TeamLink} from './broker.js'

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
