/** The parser's public face (SIGNAL-FORMAT.md): pure, total, no IO. */
export { type ParseOptions, parseMessage } from './parse-message.js';
export { normalizeText } from './text.js';
