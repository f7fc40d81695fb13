/** `npm run docs:cli`: writes docs/cli.md from the commands' help texts. */
import { writeCliReference } from './reference.js';

process.stdout.write(`wrote ${writeCliReference()}\n`);
