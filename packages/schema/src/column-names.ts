/** Words Redshift reserves; a cleaned column name that is one of them gets a trailing `_`. */
const REDSHIFT_RESERVED = new Set(
  `aes128 aes256 all allowoverwrite analyse analyze and any array as asc authorization az64 backup between binary blanksasnull both bytedict bzip2 case cast check collate column constraint create credentials cross current_date current_time current_timestamp current_user current_user_id default deferrable deflate defrag delta delta32k desc disable distinct do else emptyasnull enable encode encrypt encryption end except explicit false for foreign freeze from full globaldict256 globaldict64k grant group gzip having identity ignore ilike in initially inner intersect interval into is isnull join language leading left like limit localtime localtimestamp lun luns lzo lzop minus mostly16 mostly32 mostly8 natural new not notnull null nulls off offline offset oid old on only open or order outer overlaps parallel partition percent permissions pivot placing primary raw readratio recover references rejectlog resort respect restore right select session_user similar snapshot some sysdate system table tag tdes text255 text32k then timestamp to top trailing true truncatecolumns union unique unnest unpivot user using verbose wallet when where with without`.split(
    ' ',
  ),
);

export interface ColumnNameOptions {
  /** Keep only a-z, 0-9 and `_` (seed 003's exact rule). By default letters and digits of any script stay. */
  asciiOnly?: boolean;
  /** Longest name in UTF-8 bytes (Redshift: 127). */
  maxBytes?: number;
}

/**
 * Column names safe for Redshift and Athena, as seed 003 cleans them (lowercase, everything but letters
 * and digits to `_`, runs collapsed, trimmed), and then: full-width forms folded (NFKC), empty names
 * become `column_<n>`, a leading digit gets `col_`, reserved words a trailing `_`, names cut to
 * `maxBytes` UTF-8 bytes on a character boundary, and collisions numbered `_2`, `_3`… Pure.
 */
export function cleanColumnNames(names: readonly string[], options: ColumnNameOptions = {}): string[] {
  const maxBytes = options.maxBytes ?? 127;
  const bases = names.map((raw, i) => cleanOne(raw, i, options.asciiOnly ?? false, maxBytes));
  // A number suffix never takes a name another column has by itself (`name`, `NAME`, `name_2`).
  const taken = new Set(bases);
  const used = new Set<string>();
  return bases.map((base) => {
    let name = base;
    for (let n = 2; used.has(name) || (name !== base && taken.has(name)); n++)
      name = `${truncateBytes(base, maxBytes - `_${n}`.length)}_${n}`;
    used.add(name);
    return name;
  });
}

function cleanOne(raw: string, index: number, asciiOnly: boolean, maxBytes: number): string {
  const other = asciiOnly ? /[^a-z0-9]+/g : /[^\p{L}\p{N}]+/gu;
  let name = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(other, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') name = `column_${index + 1}`;
  if (/^\p{N}/u.test(name)) name = `col_${name}`;
  name = truncateBytes(name, maxBytes).replace(/_+$/, '') || `column_${index + 1}`;
  return REDSHIFT_RESERVED.has(name) ? `${name}_` : name;
}

function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}
