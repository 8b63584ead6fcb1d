import {callHeroku} from './http.js'

export interface Named {
  id: string
  name: string
}

export interface Addon extends Named {
  app: Named
}

export interface App extends Named {
  team: Named | null
}

export interface Account {
  id: string
  email: string
}

export interface Team extends Named {
  role: string | null
}

/**
 * The Platform API, called either with the add-on's partner token (add-ons, apps, config) or
 * with a Heroku user's token (account and teams, when a user manages a link).
 */
export class HerokuPlatform {
  constructor(private readonly apiUrl: string) {}

  getAddon(token: string, addonId: string): Promise<Addon> {
    return this.get(token, `/addons/${encodeURIComponent(addonId)}`, 'read the add-on')
  }

  getApp(token: string, appId: string): Promise<App> {
    return this.get(token, `/apps/${encodeURIComponent(appId)}`, "read the add-on's app")
  }

  async setAddonConfig(token: string, addonId: string, config: Record<string, string>) {
    await callHeroku({
      method: 'PATCH',
      url: `${this.apiUrl}/addons/${encodeURIComponent(addonId)}/config`,
      what: "set the add-on's config vars",
      headers: {...this.headers(token), 'Content-Type': 'application/json'},
      body: JSON.stringify({
        config: Object.entries(config).map(([name, value]) => ({name, value})),
      }),
    })
  }

  /** The add-on's config vars as Heroku holds them; values include secrets, never log them. */
  getAddonConfig(token: string, addonId: string): Promise<{name: string; value: string | null}[]> {
    return this.get(
      token,
      `/addons/${encodeURIComponent(addonId)}/config`,
      "read the add-on's config vars",
    )
  }

  async markProvisioned(token: string, addonId: string): Promise<void> {
    await callHeroku({
      method: 'POST',
      url: `${this.apiUrl}/addons/${encodeURIComponent(addonId)}/actions/provision`,
      what: 'mark the add-on provisioned',
      headers: this.headers(token),
    })
  }

  /** Tells Heroku provisioning failed for good: the add-on is marked deprovisioned. */
  async markDeprovisioned(token: string, addonId: string): Promise<void> {
    await callHeroku({
      method: 'POST',
      url: `${this.apiUrl}/addons/${encodeURIComponent(addonId)}/actions/deprovision`,
      what: 'mark the add-on deprovisioned',
      headers: this.headers(token),
    })
  }

  getAccount(token: string): Promise<Account> {
    return this.get(token, '/account', 'read your Heroku account')
  }

  getTeam(token: string, team: string): Promise<Team> {
    return this.get(token, `/teams/${encodeURIComponent(team)}`, `read team ${team}`)
  }

  listTeams(token: string): Promise<Team[]> {
    return this.get(token, '/teams', 'list your teams')
  }

  private get<T>(token: string, path: string, what: string): Promise<T> {
    return callHeroku<T>({url: `${this.apiUrl}${path}`, what, headers: this.headers(token)})
  }

  private headers(token: string): Record<string, string> {
    return {
      Accept: 'application/vnd.heroku+json; version=3',
      Authorization: `Bearer ${token}`,
      'User-Agent': 'byo-s3-broker',
    }
  }
}
