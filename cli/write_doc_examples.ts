/** `npm run docs:examples`: runs the examples of README.md and docs/*.md and writes their output between the generated marks. */
import { writeDocExamples } from './doc_examples.js';

const changed = writeDocExamples();
process.stdout.write(changed.length === 0 ? 'every generated block was current\n' : `wrote ${changed.join(', ')}\n`);
