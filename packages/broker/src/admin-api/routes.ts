import type {FastifyInstance, FastifyRequest} from 'fastify'
import type {Services} from '../services.js'
import {scopeLog} from '../http/log-scope.js'
import {accountOf, bearerToken, requireAdmin, teamOf} from './heroku-user.js'
import {verifyLink} from './verify.js'
import {doctorTeam} from './doctor.js'
import {doctorReport, lastDoctorRun} from './doctor-schema.js'
import type {SettingsRequest} from './link-settings.js'
import {
  bucketsOf,
  changeLinkSettings,
  linkOf,
  linksOf,
  linkTarget,
  linkTeam,
  unlinkTeam,
  type LinkBody,
} from './links.js'
import {roleSetupOf} from './role-setup.js'

const team = {type: 'object', properties: {id: {type: 'string'}, name: {type: 'string'}}}
const link = {
  type: 'object',
  properties: {
    team,
    awsAccountId: {type: 'string'},
    kind: {type: 'string'},
    accessKeyId: {type: ['string', 'null']},
    roleArn: {type: ['string', 'null']},
    linkedBy: {type: 'string'},
    linkedAt: {type: 'string'},
    onDeprovision: {type: 'string'},
    region: {type: ['string', 'null']},
    bucketPrefix: {type: 'string'},
    allowPublic: {type: 'boolean'},
    allowAdopt: {type: 'boolean'},
    forbiddenOptions: {type: 'array', items: {type: 'string'}},
    forcedOptions: {type: 'object', additionalProperties: {type: 'string'}},
    bucketCount: {type: 'integer'},
    verifiedAt: {type: 'string'},
    doctor: lastDoctorRun,
    created: {type: 'boolean'},
  },
}
const nullableString = {type: ['string', 'null']}
const dryRun = {
  permissionsChecked: {type: 'boolean'},
  reason: nullableString,
  permissions: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        action: {type: 'string'},
        resource: {type: 'string'},
        allowed: {type: 'boolean'},
        recommended: {type: 'boolean'},
      },
    },
  },
  missing: {type: 'array', items: {type: 'string'}},
  missingRecommended: {type: 'array', items: {type: 'string'}},
}
const linkReply = {
  ...link,
  properties: {...link.properties, verification: {type: 'object', properties: dryRun}},
}
// Policy documents and the template are built by the broker from fixed shapes and hold no secret.
const document = {type: 'object', additionalProperties: true}
const roleSetup = {
  type: 'object',
  properties: {
    team,
    renewed: {type: 'boolean'},
    linkedRoleArn: nullableString,
    roleName: {type: 'string'},
    rolePath: {type: 'string'},
    brokerPrincipalArn: {type: 'string'},
    externalId: {type: 'string'},
    trustPolicy: document,
    permissionsPolicy: document,
    cloudFormation: document,
  },
}
const bucketView = {
  type: 'object',
  properties: {
    addonId: {type: 'string'},
    addonName: nullableString,
    app: {type: 'object', properties: {id: nullableString, name: nullableString}},
    bucket: nullableString,
    region: nullableString,
    state: {type: 'string'},
    createdAt: {type: 'string'},
    failureReason: nullableString,
  },
}
const headroom = {
  type: ['object', 'null'],
  properties: {
    used: {type: 'integer'},
    quota: {type: 'integer'},
    remaining: {type: 'integer'},
    refusedBelow: {type: 'integer'},
  },
}
const verification = {
  type: 'object',
  properties: {
    team,
    kind: {type: 'string'},
    roleArn: nullableString,
    awsAccountId: {type: 'string'},
    arn: {type: 'string'},
    checkedAt: {type: 'string'},
    ...dryRun,
    quotas: {
      type: 'object',
      properties: {
        checked: {type: 'boolean'},
        reason: nullableString,
        iamUsers: headroom,
        buckets: headroom,
        denied: {type: 'array', items: {type: 'string'}},
      },
    },
  },
}
const params = {
  type: 'object',
  required: ['team'],
  properties: {team: {type: 'string', minLength: 1, maxLength: 100}},
}

// Values are checked in links.ts, where a bad one gets a sentence naming what is accepted.
const settings = {
  onDeprovision: {type: 'string', enum: ['delete', 'retain']},
  region: {type: ['string', 'null'], maxLength: 32},
  bucketPrefix: {type: 'string', maxLength: 64},
  allowPublic: {type: 'boolean'},
  allowAdopt: {type: 'boolean'},
  forbiddenOptions: {type: 'array', maxItems: 20, items: {type: 'string', maxLength: 64}},
  forcedOptions: {
    type: 'object',
    maxProperties: 20,
    additionalProperties: {type: 'string', maxLength: 2048},
  },
}

// Keys or a role: which one, and that not both, is checked in linkTarget, with a sentence.
export const linkBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    accessKeyId: {type: 'string', pattern: '^[A-Z0-9]{16,128}$'},
    secretAccessKey: {type: 'string', minLength: 16, maxLength: 256},
    roleArn: {type: 'string', minLength: 1, maxLength: 2048},
    ...settings,
  },
}

const roleSetupBody = {
  type: 'object',
  additionalProperties: false,
  properties: {newExternalId: {type: 'boolean'}},
}

const settingsBody = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: settings,
}

type TeamParams = {Params: {team: string}}

/**
 * The API the byo-s3 CLI plugin calls on behalf of a Heroku user. Every response has a schema:
 * it is the allow-list that keeps secrets out of replies.
 */
export async function adminApi(app: FastifyInstance, {services}: {services: Services}) {
  const {platform} = services
  // Without a token nothing else is worth checking, not even the request body.
  app.addHook('onRequest', async (request) => {
    bearerToken(request)
  })

  async function caller(request: FastifyRequest, teamName: string) {
    const token = bearerToken(request)
    const account = await accountOf(platform, token)
    const team = await teamOf(platform, token, teamName)
    scopeLog(request, {teamId: team.id})
    return {account, team}
  }

  app.put<TeamParams & {Body: LinkBody & SettingsRequest}>(
    '/admin/teams/:team/link',
    {schema: {params, body: linkBody, response: {200: linkReply}}},
    async (request) => {
      const {accessKeyId, secretAccessKey, roleArn, ...settings} = request.body
      const target = linkTarget({accessKeyId, secretAccessKey, roleArn})
      const {account, team} = await caller(request, request.params.team)
      requireAdmin(team, 'link it to AWS')
      return linkTeam(services, {team, account, settings, ...target})
    },
  )

  app.post<TeamParams & {Body: {newExternalId?: boolean}}>(
    '/admin/teams/:team/role-setup',
    {schema: {params, body: roleSetupBody, response: {200: roleSetup}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      requireAdmin(team, 'set up a role for it')
      return roleSetupOf(services, team, request.body ?? {})
    },
  )

  app.get<TeamParams>(
    '/admin/teams/:team/link',
    {schema: {params, response: {200: link}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      return linkOf(services, team)
    },
  )

  app.patch<TeamParams & {Body: SettingsRequest}>(
    '/admin/teams/:team/link',
    {schema: {params, body: settingsBody, response: {200: link}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      requireAdmin(team, 'change its link settings')
      return changeLinkSettings(services, team, request.body)
    },
  )

  app.post<TeamParams>(
    '/admin/teams/:team/verify',
    {schema: {params, response: {200: verification}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      return verifyLink(services, team)
    },
  )

  // Admins only: the report names resources of the whole account, and a fix deletes some.
  // TODO: a team with hundreds of buckets may outlast the 25-second request limit; queue the
  // check as a job and let the CLI poll for the stored report instead.
  app.get<TeamParams>(
    '/admin/teams/:team/doctor',
    {schema: {params, response: {200: doctorReport}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      requireAdmin(team, 'check it for drift')
      return doctorTeam(services, team, {fix: false})
    },
  )

  app.post<TeamParams>(
    '/admin/teams/:team/doctor/fix',
    {schema: {params, response: {200: doctorReport}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      requireAdmin(team, 'repair its AWS resources')
      return doctorTeam(services, team, {fix: true})
    },
  )

  app.get<TeamParams>(
    '/admin/teams/:team/buckets',
    {schema: {params, response: {200: {type: 'array', items: bucketView}}}},
    async (request) => {
      const {team} = await caller(request, request.params.team)
      return bucketsOf(services, team)
    },
  )

  app.delete<TeamParams>('/admin/teams/:team/link', {schema: {params}}, async (request, reply) => {
    const {team} = await caller(request, request.params.team)
    requireAdmin(team, 'unlink it from AWS')
    await unlinkTeam(services, team)
    return reply.status(204).send()
  })

  app.get(
    '/admin/links',
    {
      schema: {
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                team,
                role: {type: ['string', 'null']},
                linked: {type: 'boolean'},
                kind: nullableString,
                awsAccountId: {type: ['string', 'null']},
              },
            },
          },
        },
      },
    },
    async (request) => {
      const token = bearerToken(request)
      await accountOf(platform, token)
      return linksOf(services, await platform.listTeams(token))
    },
  )
}
