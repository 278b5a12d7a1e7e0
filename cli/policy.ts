// `taskgate policy ...`: check, build, evaluate and test Rego policies, as `opa check/build/eval/test` do.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { APPROVE_ENTRYPOINT, DECISION_ENTRYPOINT } from '../decider/engine/policy-source.js';
import { BundleError, writeBundle } from '../rego/bundle.js';
import { check } from '../rego/check/index.js';
import { compilePolicy, normalizeEntrypoint, parseSources } from '../rego/compile.js';
import { EvalError, loadEngine } from '../rego/engine.js';
import { formatErrors, RegoError, RegoErrors } from '../rego/errors.js';
import { LoadError, loadPaths, readDocumentFile, type Loaded } from '../rego/loader.js';
import { jsonReport, prettyReport } from '../rego/test-report.js';
import { runTests } from '../rego/test-runner.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_TESTS_FAILED,
  listOption,
  stringOption,
  UsageError,
  type Io,
  type Parsed,
} from './args.js';
import { groupUsage, reportingFailures, selectSubcommand, type SubcommandSpec } from './command-group.js';

interface Subcommand extends SubcommandSpec {
  run(parsed: Parsed, ctx: Context): Promise<number>;
}

/** What a running subcommand needs, and the policy texts it loaded (so errors can quote the offending line). */
interface Context {
  io: Io;
  usage: string;
  sources: Map<string, string>;
}

async function load(ctx: Context, paths: readonly string[]): Promise<Loaded> {
  const loaded = await loadPaths(paths);
  for (const s of loaded.sources) ctx.sources.set(s.file, s.text);
  return loaded;
}

/** What the decider evaluates: its decisions, and who may approve a held operation. */
export const DEFAULT_ENTRYPOINTS = [DECISION_ENTRYPOINT, APPROVE_ENTRYPOINT];
export const DEFAULT_BUNDLE = 'bundles/taskgate.tar.gz';

const SUBCOMMANDS: Record<string, Subcommand> = {
  check: {
    summary: 'parse and check policies; print every error with its location',
    usage: `Usage: taskgate policy check PATH...

Parses and checks the .rego files under each PATH (files or directories, walked recursively).
Prints each error as file:row:col with the offending line; exits 1 when there is any.`,
    options: {},
    run: runCheck,
  },
  build: {
    summary: 'compile policies and data into a WASM bundle (as `opa build -t wasm`)',
    usage: `Usage: taskgate policy build [-e ENTRYPOINT]... [-o FILE] [--revision REV] PATH...

Compiles the policies and data under each PATH into a bundle laid out as \`opa build -t wasm\` lays it out.

Options:
  -e, --entrypoint REF   rule to export, as pkg/rule or data.pkg.rule (repeatable; default ${DEFAULT_ENTRYPOINTS.join(' and ')})
  -o, --output FILE      where to write the bundle (default ${DEFAULT_BUNDLE})
      --revision REV     the manifest revision (default: a digest of the compiled policy and data)`,
    options: {
      entrypoint: { type: 'string', short: 'e', multiple: true },
      output: { type: 'string', short: 'o' },
      revision: { type: 'string' },
    },
    run: runBuild,
  },
  eval: {
    summary: 'evaluate a rule over an input and print {"result": ...}',
    usage: `Usage: taskgate policy eval -d PATH... [-i INPUT] QUERY

Compiles the policies and data under each -d PATH and evaluates QUERY, a reference such as
data.taskgate.decision, with the input document read from INPUT (JSON or YAML).
Prints one line: {"result": VALUE}, or {} when the rule is undefined.

Options:
  -d, --data PATH     policy or data file or directory (repeatable)
  -i, --input FILE    the input document`,
    options: {
      data: { type: 'string', short: 'd', multiple: true },
      input: { type: 'string', short: 'i' },
    },
    run: runEval,
  },
  test: {
    summary: 'run the test_* rules of policies (as `opa test`)',
    usage: `Usage: taskgate policy test [-v] [--run REGEX] [--format pretty|json] PATH...

Runs every rule named test_* (todo_test_* rules are reported as skipped) with no input over the data
found under each PATH. A test passes when its value is true.
Exits 0 when every test passes, 2 when one fails or errs, 1 when the policies do not compile.

Options:
  -v, --verbose        list passing tests too
  -r, --run REGEX      run only tests whose full name (data.pkg.test_name) matches
  -f, --format FORMAT  pretty (default) or json`,
    options: {
      verbose: { type: 'boolean', short: 'v' },
      run: { type: 'string', short: 'r' },
      format: { type: 'string', short: 'f' },
    },
    run: runTest,
  },
};

export const POLICY_SUMMARY = 'check, build, evaluate and test Rego policies';

export const POLICY_USAGE = groupUsage('policy', SUBCOMMANDS);

/** Runs `taskgate policy ARGS...`; returns the exit code. Throws UsageError for a bad command line. */
export async function policyCommand(argv: readonly string[], io: Io): Promise<number> {
  const selected = selectSubcommand('policy', SUBCOMMANDS, argv, io);
  if (typeof selected === 'number') return selected;
  const { sub, parsed } = selected;
  const ctx: Context = { io, usage: sub.usage, sources: new Map() };
  return reportingFailures(io, (e) => failureMessage(e, ctx.sources), () => sub.run(parsed, ctx));
}

/** The report for an expected failure (bad policy, bad file, failed evaluation); undefined for a bug. */
function failureMessage(e: unknown, sources: ReadonlyMap<string, string>): string | undefined {
  if (e instanceof RegoErrors) return formatErrors(e.errors, sources);
  if (e instanceof RegoError) return formatErrors([e], sources);
  if (e instanceof LoadError || e instanceof BundleError) return e.message;
  if (e instanceof EvalError) return `${e.code}: ${e.message}`;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  // System errors (EACCES, EISDIR, ...) writing the output; Node's own ERR_* codes are bugs.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return (e as Error).message;
  return undefined;
}

function requirePaths(parsed: Parsed, usage: string): string[] {
  if (parsed.positionals.length === 0) throw new UsageError('at least one PATH is required', usage);
  return parsed.positionals;
}

async function runCheck(parsed: Parsed, ctx: Context): Promise<number> {
  const loaded = await load(ctx, requirePaths(parsed, ctx.usage));
  if (loaded.sources.length === 0) {
    ctx.io.stderr(`no .rego files found under ${parsed.positionals.join(', ')}\n`);
    return EXIT_FAILURE;
  }
  check(parseSources(loaded.sources));
  const n = loaded.sources.length;
  ctx.io.stdout(`ok: ${n} policy file${n === 1 ? '' : 's'} checked\n`);
  return EXIT_OK;
}

async function runBuild(parsed: Parsed, ctx: Context): Promise<number> {
  const started = performance.now();
  const loaded = await load(ctx, requirePaths(parsed, ctx.usage));
  const requested = listOption(parsed, 'entrypoint');
  const entrypoints = (requested.length > 0 ? requested : DEFAULT_ENTRYPOINTS).map(normalizeEntrypoint);
  const compiled = await compilePolicy(loaded.sources, entrypoints);
  const bundle = await writeBundle({
    wasm: compiled.wasm,
    data: loaded.data,
    sources: loaded.sources,
    entrypoints,
    revision: stringOption(parsed, 'revision'),
  });
  const output = stringOption(parsed, 'output') ?? DEFAULT_BUNDLE;
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, bundle);
  const ms = Math.round(performance.now() - started);
  ctx.io.stdout(
    `wrote ${output}: ${bundle.byteLength} bytes (policy.wasm ${compiled.wasm.byteLength} bytes), ` +
      `${loaded.sources.length} policy files, entrypoints ${entrypoints.join(', ')}, in ${ms} ms\n`,
  );
  return EXIT_OK;
}

const QUERY_REF = /^data(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

async function runEval(parsed: Parsed, ctx: Context): Promise<number> {
  const [query, ...extra] = parsed.positionals;
  if (query === undefined) throw new UsageError('QUERY is required', ctx.usage);
  if (extra.length > 0) throw new UsageError(`one QUERY expected, got also: ${extra.join(' ')}`, ctx.usage);
  if (!QUERY_REF.test(query)) {
    throw new UsageError(`QUERY must be a reference such as data.taskgate.decision, not "${query}"`, ctx.usage);
  }
  const paths = listOption(parsed, 'data');
  if (paths.length === 0) throw new UsageError('at least one -d PATH is required', ctx.usage);

  const loaded = await load(ctx, paths);
  const inputFile = stringOption(parsed, 'input');
  const input = inputFile === undefined ? undefined : await readDocumentFile(inputFile);
  const entrypoint = normalizeEntrypoint(query);
  const compiled = await compilePolicy(loaded.sources, [entrypoint]);
  const engine = await loadEngine(compiled.wasm, loaded.data);
  const value = engine.evaluate(input, entrypoint);
  ctx.io.stdout(JSON.stringify(value === undefined ? {} : { result: value }) + '\n');
  return EXIT_OK;
}

const FORMATS = ['pretty', 'json'] as const;

async function runTest(parsed: Parsed, ctx: Context): Promise<number> {
  const paths = requirePaths(parsed, ctx.usage);
  const format = stringOption(parsed, 'format') ?? 'pretty';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`, ctx.usage);
  }
  const run = compileRunFilter(stringOption(parsed, 'run'), ctx.usage);

  const loaded = await load(ctx, paths);
  const results = await runTests(loaded, { run });
  if (format === 'json') ctx.io.stdout(jsonReport(results));
  else if (results.length === 0) ctx.io.stderr('no tests found\n');
  else ctx.io.stdout(prettyReport(results, parsed.values.verbose === true));
  const failed = results.some((r) => r.outcome === 'FAIL' || r.outcome === 'ERROR');
  return failed ? EXIT_TESTS_FAILED : EXIT_OK;
}

function compileRunFilter(pattern: string | undefined, usage: string): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new UsageError(`--run: invalid regular expression: ${(e as Error).message}`, usage);
  }
}
