import {randomUUID} from 'node:crypto'

export interface Team {
  id: string
  name: string
}

export interface App {
  id: string
  name: string
  /** Null for a personal app. */
  team: Team | null
  ownerId: string
  regionId: string
}

export interface Addon {
  id: string
  name: string
  /** The plan slug, without the service's prefix. */
  plan: string
  app: App
  state: 'provisioning' | 'provisioned' | 'deprovisioned'
  config: Map<string, string>
}

/**
 * Who the stand-in says owns the add-ons: the team and app of a run can be chosen, so that an
 * add-on which needs its team set up first (byo-s3 links a team to AWS) can be prepared for them.
 */
export interface Identity {
  /** The add-on's slug, as Heroku names its service. */
  service: string
  /** The config var prefix, which Heroku names attachments after. */
  prefix: string
  team: Team
  appName: string
}

export interface World {
  service: string
  serviceId: string
  prefix: string
  startedAt: string
  /** The app of the run's add-ons, owned by the chosen team. */
  app: App
  /** An app of no team, and one of a team that nobody set up. */
  personalApp: App
  otherTeamApp: App
  addons: Map<string, Addon>
}

/** A fixed team, so that an add-on can be prepared for it once and checked many times. */
export const DEFAULT_TEAM: Team = {
  id: '0c4b5e1a-7d2f-4a8e-b3c6-9f1e2d3a4b5c',
  name: 'conformance-team',
}

export function newWorld(identity: Partial<Identity> = {}): World {
  const service = identity.service ?? 'addon'
  const app = (name: string, team: Team | null): App => ({
    id: randomUUID(),
    name,
    team,
    ownerId: randomUUID(),
    regionId: '59accabd-516d-4f0e-83e6-6e3757701145',
  })
  return {
    service,
    serviceId: randomUUID(),
    prefix: identity.prefix ?? service.toUpperCase().replaceAll('-', '_'),
    startedAt: new Date().toISOString(),
    app: app(identity.appName ?? 'conformance-app', identity.team ?? DEFAULT_TEAM),
    personalApp: app('conformance-personal-app', null),
    otherTeamApp: app('conformance-other-app', {
      id: randomUUID(),
      name: 'conformance-other-team',
    }),
    addons: new Map(),
  }
}
