// The `taskgate` command: dispatches to one module per command and maps every outcome to an exit code.
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo, UsageError, type Io } from './args.js';
import {
  APPROVALS_SUMMARY,
  approvalsCommand,
  APPROVE_SUMMARY,
  approveCommand,
  DENY_SUMMARY,
  denyCommand,
} from './approvals.js';
import { AUDIT_SUMMARY, auditCommand } from './audit.js';
import { DECIDE_SUMMARY, decideCommand } from './decide.js';
import { DECIDER_SUMMARY, deciderCommand } from './decider.js';
import { POLICY_SUMMARY, policyCommand } from './policy.js';
import { SHIM_SUMMARY, shimCommand } from './shim.js';
import { TASK_SUMMARY, taskCommand } from './task.js';

interface Command {
  summary: string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  policy: { summary: POLICY_SUMMARY, run: policyCommand },
  task: { summary: TASK_SUMMARY, run: taskCommand },
  audit: { summary: AUDIT_SUMMARY, run: auditCommand },
  decider: { summary: DECIDER_SUMMARY, run: deciderCommand },
  decide: { summary: DECIDE_SUMMARY, run: decideCommand },
  shim: { summary: SHIM_SUMMARY, run: shimCommand },
  approvals: { summary: APPROVALS_SUMMARY, run: approvalsCommand },
  approve: { summary: APPROVE_SUMMARY, run: approveCommand },
  deny: { summary: DENY_SUMMARY, run: denyCommand },
};

export const USAGE = `taskgate: least privilege for every automated task, enforced on the wire.

Usage: taskgate <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Run \`taskgate <command> --help\` for a command's options.`;

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}"`, USAGE);
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`taskgate: ${e.message}\n\n${e.usage}\n`);
      return EXIT_USAGE;
    }
    // Anything else is a bug in taskgate: say so, with the stack, rather than pretend it was the input.
    io.stderr(`taskgate: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}
