/**
 * `valid_until` (SIGNAL-FORMAT.md): `até dia 14/11`, `válida até 14/11`, resolved against the post's
 * date — a day/month earlier than the post's rolls over to the next year. The post's calendar day is
 * taken in Brazil (UTC−03:00, no daylight saving since 2019): the channel posts from São Paulo, and a
 * post at 23:00 on 13/11 saying "até dia 13/11" means that same evening, not next year.
 */

const PHRASE =
  /\b(?:ate|validade) ?:? ?(?:o )?(?:dia )?([0-9]{1,2})\/([0-9]{1,2})(?:\/([0-9]{4}|[0-9]{2}))?(?![0-9])/;
const BRAZIL_OFFSET_MS = -3 * 60 * 60 * 1000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The resolved YYYY-MM-DD, or null without such a phrase, without a valid date, or for an impossible day. */
export function resolveValidUntil(lower: string, date: Date | null | undefined): string | null {
  if (date === null || date === undefined || Number.isNaN(date.getTime())) return null;
  const match = PHRASE.exec(lower);
  if (match === null) return null;
  const day = Number(match[1]);
  const month = Number(match[2]);
  if (month < 1 || month > 12 || day < 1) return null;
  const local = new Date(date.getTime() + BRAZIL_OFFSET_MS);
  if (Number.isNaN(local.getTime())) return null;
  let year: number;
  if (match[3] !== undefined) {
    year = match[3].length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
  } else {
    year = local.getUTCFullYear();
    const postMonth = local.getUTCMonth() + 1;
    const postDay = local.getUTCDate();
    if (month < postMonth || (month === postMonth && day < postDay)) year += 1;
  }
  return day <= daysInMonth(year, month) ? iso(year, month, day) : null;
}
