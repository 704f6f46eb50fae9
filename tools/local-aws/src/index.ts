export type { ChildService } from './child-service.js';
export { startChildService, answersHttp } from './child-service.js';
export { freePort } from './free-port.js';
export type { MotoServer } from './moto.js';
export { startMoto, motoAvailable, MOTO_MISSING } from './moto.js';
export type { LocalAws, LocalAwsOptions } from './local-aws.js';
export { startLocalAws, LOCAL_CREDENTIALS } from './local-aws.js';
