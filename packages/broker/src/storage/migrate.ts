import {fileURLToPath} from 'node:url'
import {runner} from 'node-pg-migrate'
import type {Logger} from 'pino'

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url))

/**
 * Applies pending schema migrations. node-pg-migrate holds an advisory lock while it runs, so
 * several broker processes starting together apply each migration once.
 */
export async function migrate(databaseUrl: string, logger: Logger): Promise<void> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    // Compiled builds sit beside their declaration and source-map files.
    ignorePattern: '(\\..*)|(.*\\.d\\.ts)|(.*\\.map)',
    migrationsTable: 'pgmigrations',
    direction: 'up',
    checkOrder: true,
    log: () => {},
  })
  if (applied.length > 0) {
    logger.info({migrations: applied.map((migration) => migration.name)}, 'migrations applied')
  }
}
