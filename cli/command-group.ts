// A command made of subcommands (`taskgate policy test`, `taskgate audit verify`): the usage that lists them,
// picking one, its --help, and turning the failures a user can act on into a message and exit 1.
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseCommandLine, UsageError, type Io, type Options, type Parsed } from './args.js';

export interface SubcommandSpec {
  summary: string;
  usage: string;
  options: Options;
}

/** `Usage: taskgate GROUP <command> [options]` and one line per subcommand. */
export function groupUsage(group: string, subcommands: Readonly<Record<string, SubcommandSpec>>): string {
  const lines = Object.entries(subcommands).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`);
  return `Usage: taskgate ${group} <command> [options]

Commands:
${lines.join('\n')}

Run \`taskgate ${group} <command> --help\` for a command's options.`;
}

/**
 * The subcommand argv names, with the rest of the line parsed against its options. Returns an exit code instead
 * when there is nothing to run: no subcommand (usage, exit 2) or a request for help (exit 0).
 */
export function selectSubcommand<S extends SubcommandSpec>(
  group: string,
  subcommands: Readonly<Record<string, S>>,
  argv: readonly string[],
  io: Io,
): { sub: S; parsed: Parsed } | number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(groupUsage(group, subcommands) + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const sub = Object.prototype.hasOwnProperty.call(subcommands, name) ? subcommands[name] : undefined;
  if (sub === undefined) throw new UsageError(`unknown command "${group} ${name}"`, groupUsage(group, subcommands));
  const parsed = parseCommandLine(rest, sub.options, sub.usage);
  if (parsed.help) {
    io.stdout(sub.usage + '\n');
    return EXIT_OK;
  }
  return { sub, parsed };
}

/** Runs a subcommand; a failure `messageOf` recognises is printed and exits 1, anything else is a bug and throws. */
export async function reportingFailures(
  io: Io,
  messageOf: (err: unknown) => string | undefined,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (err) {
    const message = messageOf(err);
    if (message === undefined) throw err;
    io.stderr(message + '\n');
    return EXIT_FAILURE;
  }
}
