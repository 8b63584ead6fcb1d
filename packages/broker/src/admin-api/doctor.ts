import {runDoctor} from '../doctor/doctor.js'
import type {DoctorReport} from '../doctor/findings.js'
import type {Team} from '../heroku/platform.js'
import type {Services} from '../services.js'
import {findDoctorRecord} from '../storage/doctor-reports.js'
import {findTeamLink} from '../storage/team-links.js'
import {notLinked} from './links.js'

/** Checks the team's AWS account against the database now; with `fix`, repairs what is safe. */
export async function doctorTeam(services: Services, team: Team, {fix}: {fix: boolean}) {
  const link = await findTeamLink(services.pool, team.id)
  if (!link) throw notLinked(team)

  return runDoctor(services, link, {fix})
}

/** When the team was last checked, by an admin or the hourly job, and how it went. */
export async function lastDoctorRun(services: Services, teamId: string) {
  const record = await findDoctorRecord<DoctorReport>(services.pool, teamId)
  if (!record) return null

  return {
    checkedAt: record.checkedAt.toISOString(),
    problems: record.report?.problems ?? null,
    error: record.error,
  }
}
