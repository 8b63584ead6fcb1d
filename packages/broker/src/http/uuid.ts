/**
 * A plain uuid, as PostgreSQL's uuid type takes it: Ajv's own `uuid` format also accepts a
 * `urn:uuid:` prefix, which the database then refuses.
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
