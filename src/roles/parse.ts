/**
 * `tp-capital parse`: the parser from the outside (SIGNAL-FORMAT.md). One message on stdin → one
 * result as JSON; or `--jsonl`, one `{"text", "date"}` object a line → one compact result a line.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { parseMessage } from '../parser/index.js';
import { defineCommand, EXIT_FAILURE, EXIT_OK } from './command.js';

const DATE_MESSAGE =
  'expected an ISO-8601 date (2025-11-10) or date-time with a zone (2025-11-10T14:30:00Z, 2025-11-10T11:30:00-03:00)';

// A bare date means that calendar day in Brazil (the channel's): noon at UTC−03:00.
const isoDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: DATE_MESSAGE })
  .transform((value) => new Date(value.length === 10 ? `${value}T12:00:00-03:00` : value))
  .refine((date) => !Number.isNaN(date.getTime()), { error: DATE_MESSAGE });

const schema = z.object({
  date: isoDate.optional(),
  jsonl: z.boolean().default(false),
});

const lineSchema = z.object(
  {
    text: z.string({ error: 'a string is required' }),
    date: isoDate.nullish(),
  },
  { error: 'expected a JSON object {"text": "...", "date": "..."}' },
);

const help = `Usage: tp-capital parse [--date ISO-8601] [--jsonl]

Parses TP Capital messages exactly as the ingester does (SIGNAL-FORMAT.md) and prints the result.

Default: reads ALL of stdin as one message and prints its result as JSON, pretty-printed with
2 spaces: {"kind": "signal" | "update" | "ignored", "signal" | "update" | "reason": ...,
"raw_message": ..., "warnings": [...]}. Absent values are null. Exit code 0.

Options:
  --date ISO-8601  The post's date, e.g. 2025-11-10 or 2025-11-10T14:30:00Z. Resolves "até dia 14/11"
                   into valid_until (a day/month before the post's date rolls over to the next year).
                   A bare date means that day in Brazil. Without --date, valid_until is null.
  --jsonl          Reads one JSON object a line, {"text": "...", "date": "ISO-8601" | null}, and writes
                   one compact result a line, in order; blank lines are skipped. A line's "date"
                   overrides --date. A bad line (invalid JSON, no "text" string, bad "date") prints
                   {"error": "line N: ..."} in its place and parsing goes on; the exit code is then 1.
  -h, --help       Shows this help.

Examples:
  printf 'Ativo: PETR4\\nCompra: 30,50\\nStop: 29' | tp-capital parse
  tp-capital parse --date 2025-11-10 < post.txt
  printf '{"text":"VALEW591 ALVO 1 ATINGIDO","date":"2025-11-10"}\\n' | tp-capital parse --jsonl`;

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `"${i.path.join('.')}": ${i.message}` : i.message))
    .join('; ');
}

/** One line of --jsonl input → the line to print, or an error message. */
function parseLine(
  line: string,
  number: number,
  fallbackDate: Date | undefined,
): { out: string; ok: boolean } {
  const fail = (problem: string) => ({
    out: JSON.stringify({ error: `line ${number}: ${problem}` }),
    ok: false,
  });
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return fail(`invalid JSON (${(error as Error).message})`);
  }
  const input = lineSchema.safeParse(json);
  if (!input.success) return fail(describe(input.error));
  const date = input.data.date === undefined ? fallbackDate : input.data.date;
  return { out: JSON.stringify(parseMessage(input.data.text, { date })), ok: true };
}

export const parseCommand = defineCommand({
  name: 'parse',
  summary: 'Parse a message (stdin) and print the result as JSON',
  help,
  options: {
    date: { type: 'string' },
    jsonl: { type: 'boolean' },
  },
  schema,
  async run(args, io) {
    if (!args.jsonl) {
      const result = parseMessage(await readAll(io.stdin), { date: args.date ?? null });
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT_OK;
    }
    let number = 0;
    let allOk = true;
    for await (const line of createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      number += 1;
      if (line.trim() === '') continue;
      const { out, ok } = parseLine(line, number, args.date);
      allOk &&= ok;
      io.stdout.write(`${out}\n`);
    }
    return allOk ? EXIT_OK : EXIT_FAILURE;
  },
});
