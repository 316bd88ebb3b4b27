/**
 * `postdesk`: the operator's tool beside the window. Each subcommand has
 * --help, --data DIR and --json, and exits non-zero on failure with one line
 * `postdesk: CODE: message` on standard error.
 */
import { AppError } from '../../domain/errors.js';
import { APP_VERSION } from '../../services/setup.js';
import { backupCommand } from './backup.js';
import { type Command, CliError, EXIT, type Io, helpText, parseCommandArgs, printJson, processIo, resolveDataDir } from './common.js';
import { initCommand } from './init.js';
import { restoreCommand } from './restore.js';
import { seedCommand } from './seed.js';
import { verifyCommand } from './verify.js';

export const COMMANDS: readonly Command[] = [initCommand, verifyCommand, backupCommand, restoreCommand, seedCommand];

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: postdesk <command> [options]

PostDesk's operator tool, beside the counter window.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`).join('\n')}

Every command takes --data DIR, --json and --help ("postdesk <command> --help").
Exit status: 0 ok; 1 failure; 2 the database is newer than this PostDesk; 64 bad arguments.
`;
}

function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof AppError && e.code === 'DB_NEWER_THAN_APP') return EXIT.dbNewer;
  return EXIT.failure;
}

function describe(e: unknown): { code: string; message: string } {
  if (e instanceof AppError) return { code: e.code, message: e.message };
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && /^(SQLITE_|E[A-Z]+$)/.test(code)) return { code, message };
  return { code: 'INTERNAL', message };
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(topHelp());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    io.out(about ? helpText(about) : topHelp());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(APP_VERSION);
    return EXIT.ok;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  let json = rest.includes('--json') || cmd?.alwaysJson === true;
  try {
    if (!cmd) throw new CliError('USAGE', `there is no command "${name}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (see "postdesk --help")`, EXIT.usage);
    const { values, help } = parseCommandArgs(cmd, [...rest]);
    if (help) {
      io.out(helpText(cmd));
      return EXIT.ok;
    }
    json = values.json === true || cmd.alwaysJson === true;
    return await cmd.run({ values, dataDir: resolveDataDir(values), json, io });
  } catch (e) {
    const { code, message } = describe(e);
    // A stack is for whoever debugs PostDesk, not for the operator's screen.
    if (code === 'INTERNAL' && process.env.POSTDESK_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
    if (json) printJson(io, { ok: false, error: { code, message } });
    io.err(`postdesk: ${code}: ${message}`);
    return exitCodeOf(e);
  }
}
