export {ByoS3Error, ExitCode} from './lib/errors.js'
