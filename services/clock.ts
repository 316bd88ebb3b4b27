/**
 * Time: instants are stored in UTC; the business day and everything shown
 * to a person are in Europe/Belgrade.
 */
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Belgrade', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Belgrade calendar day of an instant, as YYYY-MM-DD. */
export function businessDayOf(d: Date): string {
  return dayFormat.format(d);
}

/** YYYYMMDD for receipt numbers. */
export function compactDay(day: string): string {
  return day.replaceAll('-', '');
}
