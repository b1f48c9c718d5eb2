import { InputError, messageOf } from '../oci/errors.js';
import { handleInterrupts, interruptedBy } from '../runtime/interrupt.js';
import { VERSION } from '../version.js';
import { Console, type Output } from './console.js';
import type { CommandIO } from './copy-command.js';
import { ExitCode } from './exit-codes.js';

/**
 * The commands, by name; the first is also what runs when no command is named. Each loads when it
 * runs: a copy never loads the sync command's list reader.
 */
const COMMANDS: Record<string, (argv: string[], io: CommandIO) => Promise<number>> = {
  copy: async (argv, io) => (await import('./copy-command.js')).copyCommand(argv, io),
  sync: async (argv, io) => (await import('./sync-command.js')).syncCommand(argv, io),
  verify: async (argv, io) => (await import('./in-place-command.js')).verifyCommand(argv, io),
  sign: async (argv, io) => (await import('./in-place-command.js')).signCommand(argv, io),
  check: async (argv, io) => (await import('./check-command.js')).checkCommand(argv, io),
  'generate-key-pair': async (argv, io) => (await import('./key-command.js')).keyCommand(argv, io),
};

export interface MainIO {
  stdin: CommandIO['stdin'];
  stdout: CommandIO['stdout'];
  stderr: Output;
  env: NodeJS.ProcessEnv;
}

const processIO = (): MainIO => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });

/**
 * The command line: `oci-copy [COMMAND] ARGS…`. Runs the command, turns whatever it throws into one
 * line on standard error and an exit status (2 for bad arguments, 1 for a failed copy), and on
 * SIGINT or SIGTERM removes the unfinished files, says so and exits 130 or 143.
 */
export async function main(argv: string[], io: MainIO = processIO()): Promise<number> {
  // A reader that went away (`2>&1 | head`) costs the lines, not the copy or its clean-up.
  (io.stderr as { on?: (event: 'error', listener: () => void) => void }).on?.('error', () => {});
  const console = new Console(io.stderr);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`oci-copy ${VERSION}\n`);
    return ExitCode.Done;
  }
  const at = commandAt(argv);
  const command = at === undefined ? COMMANDS.copy : COMMANDS[argv[at]];
  const args = at === undefined ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (args.includes('--version') && !args.includes('--')) {
    io.stdout.write(`oci-copy ${VERSION}\n`);
    return ExitCode.Done;
  }
  const stopHandling = handleInterrupts({ say: (line) => console.error(`oci-copy: ${line}`) });
  try {
    const code = await command(args, { stdin: io.stdin, stdout: io.stdout, env: io.env, console });
    console.finish();
    return code;
  } catch (err) {
    // After an interrupt, what fails is its doing: the handler says so, and sets the status.
    if (interruptedBy()) return ExitCode.Failed;
    console.error(`oci-copy: ${messageOf(err)}`);
    return err instanceof InputError ? ExitCode.Usage : ExitCode.Failed;
  } finally {
    console.clearStatus();
    stopHandling();
  }
}

/**
 * Where the command is named: the first argument, or the first after flags alone (`oci-copy -q
 * copy A B`, as `git -C x log` reads). A flag's separate value ends the search: that argument is
 * the copy's own then.
 */
function commandAt(argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (Object.hasOwn(COMMANDS, argv[i])) return i;
    if (argv[i] === '--' || !argv[i].startsWith('-')) return undefined;
  }
  return undefined;
}
