import pLimit from 'p-limit'

import {bucketExists, type Inventory, inventoryOf} from '../aws/owned-resources.js'
import {ADDON_UUID_TAG} from '../aws/tags.js'
import {linkCredentials} from '../provisioning/link-credentials.js'
import {reasonFor} from '../provisioning/failures.js'
import type {Services} from '../services.js'
import {saveDoctorRecord} from '../storage/doctor-reports.js'
import {liveResourcesOfTeam, type Resource, resourcesWithIds} from '../storage/resources.js'
import {runningRotationsOf} from '../storage/rotations.js'
import type {TeamLink} from '../storage/team-links.js'
import {driftOf} from './drift.js'
import {countsOf, type DoctorReport, type Inspected, problemsIn} from './findings.js'
import {jobFindings} from './jobs.js'
import {missingIn, orphansIn, type TeamState} from './orphans.js'
import {UUID} from '../http/uuid.js'

const PARALLEL_BUCKETS = 4

/**
 * Compares what the team's AWS account holds under byo-s3's tags and IAM path with what the
 * database says, reads back the settings of live add-ons' buckets, and looks for stuck and
 * failing jobs. With `fix`, the safe repairs run, each finding carrying its outcome. The report
 * is stored as the team's latest.
 */
export async function runDoctor(
  services: Services,
  link: TeamLink,
  {fix = false}: {fix?: boolean} = {},
): Promise<DoctorReport> {
  const {pool} = services
  const aws = {clients: services.aws, credentials: linkCredentials(services, link)}

  // Add-ons made while the team was linked to another account cannot be seen from this one.
  const live = (await liveResourcesOfTeam(pool, link.teamId)).filter(
    ({awsAccountId}) => awsAccountId === link.awsAccountId,
  )
  const regions = new Map(live.map(({bucketName, region}) => [bucketName, region]))
  const inventory = await inventoryOf(aws.clients, aws.credentials, {
    accountId: link.awsAccountId,
    teamId: link.teamId,
    bucketPrefix: link.bucketPrefix,
    regionOf: (name) => regions.get(name) ?? link.defaultRegion ?? 'us-east-1',
    knownUsers: new Set(live.flatMap(({iamUserName}) => iamUserName ?? [])),
  })
  const team: TeamState = {
    live,
    named: await addonsNamedIn(services, inventory),
    rotations: await runningRotationsOf(
      pool,
      live.map(({id}) => id),
    ),
  }

  const existing = await existingBuckets(services, aws.credentials, inventory, live)
  const limit = pLimit(PARALLEL_BUCKETS)
  const drift = await Promise.all(
    live
      .filter(
        ({state, adopted, bucketName}) =>
          state === 'provisioned' && !adopted && existing.has(bucketName!),
      )
      .map((addon) => limit(() => driftOf(addon, link, aws))),
  )
  const inspected: Inspected[] = [
    ...orphansIn(inventory, team, aws),
    ...missingIn(inventory, team, existing),
    ...drift.flat(),
    ...(await jobFindings(pool, link.teamId)),
  ]
  if (fix) await repair(inspected)

  const findings = inspected.map(({finding}) => finding)
  const report: DoctorReport = {
    team: {id: link.teamId, name: link.teamName},
    awsAccountId: link.awsAccountId,
    checkedAt: new Date().toISOString(),
    fixed: fix,
    problems: problemsIn(findings),
    counts: countsOf(findings),
    findings,
  }
  await saveDoctorRecord(pool, link.teamId, {report})
  return report
}

async function addonsNamedIn(services: Services, inventory: Inventory) {
  const ids = [...inventory.buckets, ...inventory.users]
    .map(({tags}) => tags[ADDON_UUID_TAG])
    .filter((id) => id !== undefined && UUID.test(id))
  const addons = await resourcesWithIds(services.pool, [...new Set(ids)])
  return new Map(addons.map((addon) => [addon.id, addon]))
}

/**
 * The provisioned add-ons' buckets that exist. The prefix listing shows most of them; an adopted
 * bucket, or one named before the prefix changed, is looked up on its own.
 */
async function existingBuckets(
  services: Services,
  credentials: ReturnType<typeof linkCredentials>,
  inventory: Inventory,
  live: Resource[],
): Promise<Set<string>> {
  const existing = new Set<string>()
  for (const {bucketName, region, awsAccountId, state} of live) {
    // Only a provisioned add-on's bucket must exist; the others' come and go with their jobs.
    if (!bucketName || state !== 'provisioned') continue

    const known = inventory.bucketNames.has(bucketName)
    const found =
      known ||
      (await bucketExists(services.aws, credentials, {
        name: bucketName,
        region: region!,
        accountId: awsAccountId!,
      }))
    if (found) existing.add(bucketName)
  }

  return existing
}

// One at a time: a repair deletes or rewrites, and its outcome is read back before the next.
async function repair(inspected: Inspected[]): Promise<void> {
  for (const {finding, repair: run} of inspected) {
    if (!run) continue

    try {
      finding.fix = {outcome: 'fixed', detail: await run()}
    } catch (error) {
      finding.fix = {outcome: 'failed', detail: reasonFor(error)}
    }
  }
}
