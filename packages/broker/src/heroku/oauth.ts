import {callHeroku} from './http.js'

export interface OAuthTokens {
  accessToken: string
  refreshToken: string
  expiresAt: Date
}

interface TokenReply {
  access_token: string
  refresh_token?: string
  expires_in: number
}

/** Exchanges and refreshes the add-on's OAuth grant at Heroku's identity host. */
export class HerokuOAuth {
  constructor(
    private readonly idUrl: string,
    private readonly clientSecret: string,
  ) {}

  exchangeGrant(code: string): Promise<OAuthTokens> {
    return this.token({grant_type: 'authorization_code', code}, 'exchange the OAuth grant')
  }

  async refresh(refreshToken: string): Promise<OAuthTokens> {
    const tokens = await this.token(
      {grant_type: 'refresh_token', refresh_token: refreshToken},
      'refresh the OAuth token',
    )
    return {...tokens, refreshToken: tokens.refreshToken || refreshToken}
  }

  private async token(params: Record<string, string>, what: string): Promise<OAuthTokens> {
    const reply = await callHeroku<TokenReply>({
      method: 'POST',
      url: `${this.idUrl}/oauth/token`,
      what,
      headers: {'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json'},
      body: new URLSearchParams({...params, client_secret: this.clientSecret}).toString(),
    })
    return {
      accessToken: reply.access_token,
      refreshToken: reply.refresh_token ?? '',
      expiresAt: new Date(Date.now() + reply.expires_in * 1000),
    }
  }
}
