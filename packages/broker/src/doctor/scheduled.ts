import type {FastifyBaseLogger as Logger} from 'fastify'

import {reasonFor} from '../provisioning/failures.js'
import type {Services} from '../services.js'
import {saveDoctorRecord} from '../storage/doctor-reports.js'
import {allTeamLinks} from '../storage/team-links.js'
import {runDoctor} from './doctor.js'

/**
 * The hourly check of every linked team: the report only, never a repair. A team whose check
 * fails (keys revoked, AWS refusing) has that stored as its latest outcome, and the others are
 * still checked. Only counts and kinds are logged; the report is what an admin reads.
 */
export async function runScheduledDoctor(services: Services, log: Logger): Promise<void> {
  for (const link of await allTeamLinks(services.pool)) {
    const scope = {teamId: link.teamId, team: link.teamName}
    try {
      const {problems, counts} = await runDoctor(services, link)
      if (problems > 0) log.warn({...scope, problems, counts}, 'drift check found problems')
      else log.info(scope, 'drift check found nothing')
    } catch (error) {
      const reason = reasonFor(error)
      await saveDoctorRecord(services.pool, link.teamId, {error: reason})
      log.warn({...scope, reason}, 'drift check could not run')
    }
  }
}
