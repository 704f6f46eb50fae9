/**
 * The bench's second data shape: the same twelve column kinds as the standard bench CSV, generated
 * independently and distributed differently, as real exports often are: long and varied strings
 * (descriptions of 20-300 characters from a made-up vocabulary of thousands of words), values mostly
 * distinct (so dictionaries give up), prices of 0-6 decimal places up to 10^11, timestamps over four
 * decades with 0-6 fraction digits and a space or `T`, doubles in plain and exponent notation, and
 * far more nulls. Why: the single thread met its goal on the standard CSV and missed it on a file
 * like this (issue 28). Deterministic: the same size gives the same bytes.
 */
import { seededRandom } from '@etl/core';

export const VARIED_HEADER =
  'invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country,updated_at,is_gift,discount_rate,product_name_ja\n';

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';

/**
 * Chunks of about `chunkChars` characters of CSV text until `totalBytes` (UTF-8) have been produced.
 * The rows depend only on the seed.
 */
export function* variedCsv(totalBytes: number, seed = 7, chunkChars = 512 * 1024): Generator<string> {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const syllable = () => `${CONSONANTS[int(CONSONANTS.length)]}${VOWELS[int(VOWELS.length)]}`;
  // A vocabulary of 4,096 made-up words: descriptions repeat words, rarely whole values.
  const vocabulary = Array.from({ length: 4096 }, () => Array.from({ length: 1 + int(4) }, syllable).join(''));
  const word = () => vocabulary[int(vocabulary.length)] as string;
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const kanji = () => String.fromCharCode(0x4e00 + int(0x5000));
  const kana = () => String.fromCharCode(0x30a1 + int(0x56));
  const blank = (share: number, value: () => string) => (random() < share ? '' : value());
  const alnum = (n: number) => Array.from({ length: n }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[int(34)]).join('');
  const fraction = (places: number) => (places === 0 ? '' : `.${pad(int(10 ** places), places)}`);
  const timestamp = (separator: string) =>
    `${1995 + int(40)}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)}${separator}${pad(int(24), 2)}:${pad(int(60), 2)}:${pad(int(60), 2)}${fraction(int(7))}`;
  let produced = 0;
  let chunk = VARIED_HEADER;
  while (produced < totalBytes) {
    const text = words(3 + int(40));
    const r = random();
    const description =
      r < 0.1
        ? ''
        : r < 0.3
          ? `"${text}, ${words(1 + int(5))}"`
          : r < 0.35
            ? `"${text} ""${word()}"" ${word()}"`
            : r < 0.38
              ? `"${text}\n${words(2)}"`
              : r < 0.39
                ? `"${text}\r\n${words(2)}, ${word()}"`
                : text;
    const places = int(7);
    const magnitude = 10 ** int(12);
    const price = (random() < 0.1 ? -1 : 1) * Math.floor(random() * magnitude) + (places === 0 ? 0 : int(10 ** places) / 10 ** places);
    const exponent = int(12) - 6;
    const line = [
      `${alnum(4)}-${alnum(8)}`,
      `${alnum(3)}${int(1_000_000)}`,
      description,
      blank(0.1, () => String(int(2_100_000) - 100_000)),
      blank(0.05, () => timestamp(random() < 0.5 ? ' ' : 'T')),
      blank(0.1, () => (price < 0 && price > -1 ? `-${(-price).toFixed(places)}` : price.toFixed(places))),
      blank(0.4, () => String(int(2_000_000_000))),
      blank(0.1, () => words(1 + int(3))),
      blank(0.05, () => `${timestamp('T')}Z`),
      blank(0.2, () => (random() < 0.3 ? 'true' : 'false')),
      blank(0.1, () => String((random() < 0.2 ? -1 : 1) * random() * 10 ** exponent)),
      blank(0.15, () => Array.from({ length: 1 + int(40) }, () => (random() < 0.6 ? kanji() : kana())).join('')),
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
