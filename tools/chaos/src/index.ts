export type { CampaignKit, CampaignScale, CampaignSpec, CsvInput, Digest, PhaseMark } from './campaign.js';
export type { DigestDiff } from './digest-diff.js';
export { diffDigests, withoutNames } from './digest-diff.js';
export { phaseAt } from './phase.js';
export { campaignPipelines, loadCampaign, selectPipelines, CAMPAIGN_FILE } from './campaigns.js';
export type { CrashFigures, CrashOptions } from './crash.js';
export { crashCampaign, crashFailed } from './crash.js';
