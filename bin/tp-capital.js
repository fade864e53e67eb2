#!/usr/bin/env node
// The compiled CLI; `npm install` builds it (the `prepare` script), `npm start` and `npm test` rebuild it.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
