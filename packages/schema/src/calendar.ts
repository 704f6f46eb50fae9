/** Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), without `Date`. */

/** Days since 1970-01-01 of a date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Year, month and day of a day number (Hinnant's civil_from_days), packed as
 * `year * 10000 + month * 100 + day` so no object is made per value; `Math.floor(ymd / 10000)` is
 * the year, also before year 0.
 */
export function civilYmd(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

/**
 * `YYYY-MM-DD` of a day number; years outside 0..9999 signed and six digits wide, as ISO 8601
 * expanded years (`+010000-01-01`). Runs per value when formatting dates and timestamps: no `Date`,
 * no padStart.
 */
export function civilDate(days: number): string {
  const ymd = civilYmd(days);
  const y = Math.floor(ymd / 10_000);
  const md = ymd - y * 10_000;
  const m = Math.floor(md / 100);
  const d = md - m * 100;
  const year =
    y >= 1000 && y <= 9999
      ? String(y)
      : y >= 0 && y < 1000
        ? String(y).padStart(4, '0')
        : (y < 0 ? '-' : '+') + String(Math.abs(y)).padStart(6, '0');
  return `${year}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
