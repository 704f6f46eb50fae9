import { parseSchemaCsv } from '@etl/schema';

/** The bench CSV's columns as a schema-definition CSV (`etl convert --schema`), typed as a pipeline would declare them. */
export const BENCH_SCHEMA_CSV = `column_name,data_type
invoice_no,varchar(16)
stock_code,varchar(16)
description,varchar(256)
quantity,int
invoice_date,timestamp
unit_price,"decimal(12,4)"
customer_id,int
country,varchar(32)
updated_at,timestamp
is_gift,boolean
discount_rate,double
product_name_ja,varchar(64)
`;

/** The same, loaded (shared by every scenario). */
export const BENCH_SCHEMA = parseSchemaCsv(BENCH_SCHEMA_CSV);
