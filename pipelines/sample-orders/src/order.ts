import { z } from 'zod';

/** One order as the sample file carries it. Amounts stay exact decimal strings, never floats. */
export const orderSchema = z.object({
  order_id: z.string().regex(/^O-\d+$/, 'order_id must look like O-123'),
  customer: z.string().min(1, 'customer must not be empty'),
  amount: z.string().regex(/^-?\d{1,12}(\.\d{1,4})?$/, 'amount must be a decimal with at most 4 places, as a string'),
  currency: z.enum(['JPY', 'USD', 'EUR']),
  updated_at: z.iso.datetime({ offset: true, message: 'updated_at must be an ISO-8601 timestamp with zone' }),
});

export type Order = z.infer<typeof orderSchema>;
