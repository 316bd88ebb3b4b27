/** Entry point of the `postdesk` command (bin/postdesk.js loads it through tsx). */
import { main } from './commands/index.js';

process.exitCode = await main(process.argv.slice(2));
