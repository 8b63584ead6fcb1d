import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {generateKey} from '../crypto/fernet-token.js'
import type {LocalSecrets} from './config.js'

/**
 * Secrets for a broker run on a developer's machine: generated on the first start, kept in a file
 * of the data folder that only its owner can read, so that a restart can still decrypt what it stored.
 */
export function localSecretsIn(dataDir: string, announce: (file: string) => void) {
  return (): LocalSecrets => {
    const file = path.join(dataDir, 'local-secrets.json')
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets

    const secrets: LocalSecrets = {
      ADDON_PASSWORD: randomBytes(24).toString('base64url'),
      SSO_SALT: randomBytes(24).toString('base64url'),
      OAUTH_CLIENT_SECRET: randomBytes(24).toString('base64url'),
      FERNET_KEYS: generateKey(),
    }
    // The folder stays traversable: the embedded PostgreSQL may run as another user inside it.
    mkdirSync(dataDir, {recursive: true})
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', {mode: 0o600})
    announce(file)
    return secrets
  }
}
