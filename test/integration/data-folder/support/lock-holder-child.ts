/**
 * Child for the data-folder lock tests: opens the folder as its writer, says so, then waits to
 * be killed. Usage: node --import tsx lock-holder-child.ts <dataDir>
 */
import { openAppContext } from '../../../../main/core/app-context.ts';

const ctx = openAppContext(process.argv[2], { writer: 'lock test child' });
process.stdout.write(`locked ${process.pid} ${ctx.dataDir.root}\n`);
setInterval(() => undefined, 1 << 30);
