import type { CampaignSpec } from '@etl/chaos';
import { resources } from './resources.js';

/** chaos campaigns (tools/chaos): NDJSON orders in the run's bucket, every tenth line bad, to one NDJSON object. */
export const campaign: CampaignSpec = {
  pipeline: 'sample-orders',
  services: ['s3'],
  memoryMiB: resources.memoryMiB,
  phases: [
    // One pass: read, validate and upload; the object exists once the upload completes.
    { phase: 'reading', when: / started$/ },
    { phase: 'committing', when: /^valid orders written/ },
  ],
  async seed(kit, { rows }) {
    const lines = Array.from({ length: rows }, (_, i) =>
      i % 10 === 9
        ? `{"order_id":"bad-${i}"}`
        : JSON.stringify({
            order_id: `O-${i}`,
            customer: `customer ${i % 97}`,
            amount: `${i}.25`,
            currency: 'JPY',
            updated_at: '2026-11-01T09:15:00Z',
          }),
    );
    await kit.put(`s3://${kit.bucket}/in/orders.ndjson`, `${lines.join('\n')}\n`);
  },
  args: (kit) => ['--source', `s3://${kit.bucket}/in/orders.ndjson`, '--output', `s3://${kit.bucket}/out/orders.ndjson`],
  async digest(kit) {
    return { orders: (await kit.text(`s3://${kit.bucket}/out/orders.ndjson`))?.split('\n').filter(Boolean) ?? [] };
  },
};
