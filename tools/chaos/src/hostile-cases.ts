import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { ParquetWriter } from '@etl/parquet';
import { parseType } from '@etl/schema';

/** A generated hostile input: its file name and how to write it. */
export interface HostileCase {
  name: string;
  write(path: string): Promise<void>;
}

/**
 * The generated cases of chaos:inputs, each with an `id` column first (then `name`, or `text`), so a pipeline's
 * arguments can name it as its key and the run gets past its checks into the file's body. `lineBytes` sizes the long line (1 GiB in the long campaign);
 * it is written in 1 MiB chunks, so generating it holds one chunk.
 */
export function hostileCases(options: { lineBytes: number }): HostileCase[] {
  const text = (name: string, body: string): HostileCase => ({ name, write: (path) => writeFile(path, body) });
  return [
    { name: 'long-line.csv', write: (path) => writeLongLine(path, options.lineBytes) },
    text('ten-thousand-columns.csv', wide(10_000, 3)),
    text('nul-bytes.csv', 'id,name\n1,a\0b\n2,\0\n3,c\n'),
    text('mixed-line-endings.csv', 'id,name\r\n1,a\n2,b\r3,c\r\n4,d\n'),
    text('unclosed-quote.csv', 'id,name\n1,"never closed\n2,b\n3,c\n'),
    text('bom-in-the-middle.csv', 'id,name\n1,a\n\uFEFF2,b\n3,\uFEFFc\n'),
    text('empty.csv', ''),
    text('header-only.csv', 'id,name\n'),
    text('ragged-rows.csv', 'id,name\n1,a,extra\n2\n3,c\n'),
    { name: 'corrupt.parquet', write: writeCorruptParquet },
  ];
}

function wide(columns: number, rows: number): string {
  const line = (first: string, prefix: string) => [first, ...Array.from({ length: columns - 1 }, (_, i) => `${prefix}${i + 1}`)].join(',');
  return `${line('id', 'c')}\n${Array.from({ length: rows }, (_, r) => line(String(r + 1), `${r}_`)).join('\n')}\n`;
}

async function writeLongLine(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(Math.min(bytes, 1 << 20), 'x');
  out.write('id,text\n1,"');
  for (let left = bytes; left > 0; left -= chunk.length)
    if (!out.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await once(out, 'drain');
  out.end('"\n2,short\n');
  await once(out, 'finish');
}

/** A real Parquet file whose column data is overwritten with garbage (the footer still reads). */
async function writeCorruptParquet(path: string): Promise<void> {
  const writer = new ParquetWriter({
    fields: [
      { name: 'id', type: parseType('bigint'), nullable: false },
      { name: 'name', type: parseType('varchar'), nullable: true },
    ],
  });
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < 1000; i++) chunks.push(...writer.appendRow([BigInt(i), `name ${i}`]));
  chunks.push(...writer.finish());
  const file = Buffer.concat(chunks);
  // Past the magic, half of the data pages: page headers and values become 0xA5.
  file.fill(0xa5, 8, Math.floor(file.length / 2));
  await writeFile(path, file);
}
