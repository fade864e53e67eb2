/**
 * The legacy identity computed in SQL on the legacy database — the formula docs/migrate-legacy.md gives
 * operators, kept here verbatim so that a test proves it equals the migration's own.
 */
export const IDENTITY_SQL = `'legacy:' || left(encode(sha256(convert_to(concat_ws(chr(31), channel, ts::bigint::text,
  btrim(replace(raw_message, chr(13), ''),
    E' \\t\\n\\u000b\\f\\u00a0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff')),
  'UTF8')), 'hex'), 16)`;
