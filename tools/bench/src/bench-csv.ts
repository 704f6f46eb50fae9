/**
 * The standard bench CSV (same shape as tools/bench/PERF-BASELINE.md): 12 columns of e-commerce /
 * inventory data with quoted commas, doubled quotes and line breaks in descriptions, 2-4 decimal
 * prices, 20% blank customer ids, booleans, doubles and Japanese product names. Deterministic:
 * the same size gives the same bytes.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { seededRandom } from '@etl/core';

const COUNTRIES = ['United Kingdom', 'France', 'Germany', 'Japan', 'EIRE', 'Spain', 'Netherlands', 'Australia'];
const WORDS = [
  'WHITE',
  'HANGING',
  'HEART',
  'T-LIGHT',
  'HOLDER',
  'CREAM',
  'CUPID',
  'HEARTS',
  'COAT',
  'HANGER',
  'KNITTED',
  'UNION',
  'FLAG',
  'HOT',
  'WATER',
  'BOTTLE',
];
const JA = ['ハート', 'キャンドル', 'ホルダー', '白', '毛糸', '国旗', '湯たんぽ', '赤', 'ガラス', '木製', '株式会社テスト', '①', '～'];

export const BENCH_HEADER =
  'invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country,updated_at,is_gift,discount_rate,product_name_ja\n';

/**
 * Chunks of about `chunkChars` characters of CSV text until `totalBytes` (UTF-8) have been produced.
 * The rows depend only on the seed; the chunking only on where the last chunk ends.
 */
export function* benchCsv(totalBytes: number, seed = 42, chunkChars = 512 * 1024): Generator<string> {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  let produced = 0;
  let row = 0;
  let chunk = BENCH_HEADER;
  while (produced < totalBytes) {
    row++;
    const words = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(WORDS)).join(' ');
    const r = random();
    const description =
      r < 0.08
        ? `"${words}, ${pick(WORDS)}"`
        : r < 0.12
          ? `"${words} ""${pick(WORDS)}"""`
          : r < 0.14
            ? `"${words}\n${pick(WORDS)}"`
            : words;
    const day = 1 + Math.floor(random() * 28);
    const decimals = 2 + Math.floor(random() * 3);
    const price = (random() * 500).toFixed(decimals);
    const customer = random() < 0.2 ? '' : String(12000 + Math.floor(random() * 6000));
    const line = [
      `${random() < 0.02 ? 'C' : ''}${536000 + row}`,
      `${10000 + Math.floor(random() * 90000)}${random() < 0.3 ? 'A' : ''}`,
      description,
      String(Math.floor(random() * 48) - 4),
      `2026-11-${String(day).padStart(2, '0')} ${String(Math.floor(random() * 24)).padStart(2, '0')}:${String(Math.floor(random() * 60)).padStart(2, '0')}:00`,
      price,
      customer,
      pick(COUNTRIES),
      `2026-11-${String(day).padStart(2, '0')}T12:00:00.${String(row % 1000).padStart(3, '0')}Z`,
      random() < 0.1 ? 'true' : 'false',
      String(random()),
      `${pick(JA)}${pick(JA)}`,
    ].join(',');
    chunk += `${line}\n`;
    if (chunk.length >= chunkChars) {
      produced += Buffer.byteLength(chunk);
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** `.local/bench/` of the working directory (the workspace root under Nx), made if missing: bench inputs and outputs. */
export function benchDir(): string {
  const dir = join(process.cwd(), '.local', 'bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The bench CSV of `sizeMb` MiB in `benchDir()`, generated once and reused: the same size gives the same bytes. */
export function benchCsvFile(sizeMb: number): Promise<string> {
  return generatedCsvFile(`bench-${sizeMb}mb.csv`, sizeMb, benchCsv);
}

/** The CSV `generate` makes of `sizeMb` MiB, as `name` in `benchDir()`: generated once (through a temp file) and reused. */
export async function generatedCsvFile(name: string, sizeMb: number, generate: (bytes: number) => Iterable<string>): Promise<string> {
  const path = join(benchDir(), name);
  if (existsSync(path) && statSync(path).size >= sizeMb * 1024 * 1024) return path;
  process.stderr.write(`generating ${path} …\n`);
  const out = createWriteStream(`${path}.tmp`);
  for (const chunk of generate(sizeMb * 1024 * 1024)) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  renameSync(`${path}.tmp`, path);
  return path;
}
