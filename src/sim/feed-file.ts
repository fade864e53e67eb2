/**
 * A feed file: one gateway message object a line (JSON Lines), emitted in order. Read and checked whole
 * before the sim serves anything, so that a bad line stops the start with its line number.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../errors.js';
import { type PartialMessage, partialMessageSchema } from './sim-message.js';

function bad(path: string, message: string, cause?: unknown): AppError {
  return new AppError('BAD_REQUEST', `feed file ${path}: ${message}`, 400, { cause });
}

/** Parses the text of a feed file. Blank lines are skipped; `path` only names the file in errors. */
export function parseFeedLines(text: string, path: string): PartialMessage[] {
  const out: PartialMessage[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw bad(path, `line ${lineNo}: invalid JSON (${(error as Error).message})`, error);
    }
    const parsed = partialMessageSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
      throw bad(path, `line ${lineNo}: ${problems}`);
    }
    if (parsed.data.messageId === undefined) throw bad(path, `line ${lineNo}: messageId is required`);
    out.push(parsed.data);
  }
  return out;
}

export async function loadFeedFile(path: string): Promise<PartialMessage[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw bad(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      error,
    );
  }
  return parseFeedLines(text, path);
}
