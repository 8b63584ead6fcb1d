// Add-ons, apps and config vars as the Platform API shows them, with the fields add-ons read.
import type {Addon, App, Team, World} from './world.js'

export function configView(addon: Addon) {
  return [...addon.config].map(([name, value]) => ({name, value}))
}

export function addonView(world: World, addon: Addon) {
  const {id, name, app, plan, state} = addon
  return {
    id,
    name,
    app: {id: app.id, name: app.name},
    addon_service: {id: world.serviceId, name: world.service},
    plan: {id: world.serviceId, name: `${world.service}:${plan}`},
    billing_entity: {id: app.id, name: app.name, type: 'app'},
    config_vars: [...addon.config.keys()],
    state,
    web_url: null,
    created_at: world.startedAt,
    updated_at: new Date().toISOString(),
  }
}

export function attachmentView(world: World, addon: Addon) {
  return {
    id: addon.id,
    name: world.prefix,
    addon: {id: addon.id, name: addon.name, app: addon.app},
    app: {id: addon.app.id, name: addon.app.name},
  }
}

export function appView(app: App) {
  const team: Team | null = app.team
  return {
    id: app.id,
    name: app.name,
    team: team && {id: team.id, name: team.name},
    organization: team && {id: team.id, name: team.name},
    owner: team
      ? {id: team.id, email: `${team.name}@herokumanager.com`}
      : {id: app.ownerId, email: 'owner@conformance.example'},
    space: null,
    region: {id: app.regionId, name: 'us'},
  }
}
