/** How one hostile input ended in one target, as the process showed it. */
export interface InputRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export type InputOutcome = 'completed' | 'failed' | 'refused' | 'crashed';

export interface InputVerdict {
  outcome: InputOutcome;
  /** What breaks the campaign's rules, one line each: a crash, a stack trace, a failure not naming the file, rows not adding up. */
  problems: string[];
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const UNCAUGHT = /Uncaught|UnhandledPromiseRejection|node:internal/;

/**
 * The rules of chaos:inputs over one run: exit only 0, 1 or 2 (never a signal or a crash code), no stack
 * trace or uncaught error, a failure says which file in one line, and a completed run's rows add up
 * (read = written + rejected). `failure.lines` are what the run said about its failure (`oneLine`: it
 * must be exactly one line), `counts` its figures when it completed. Pure.
 */
export function judgeInputRun(
  file: string,
  run: InputRun,
  failure: { lines: readonly string[]; oneLine: boolean },
  counts?: RowCounts,
): InputVerdict {
  const failureLines = failure.lines;
  const problems: string[] = [];
  const code = run.code;
  const outcome: InputOutcome = code === 0 ? 'completed' : code === 1 ? 'failed' : code === 2 ? 'refused' : 'crashed';
  if (outcome === 'crashed') problems.push(`exit ${code ?? run.signal}`);
  const output = `${run.stdout}\n${run.stderr}`;
  if (STACK_FRAME.test(output) || UNCAUGHT.test(output))
    problems.push(`stack trace or uncaught error: ${firstLine(output, STACK_FRAME) ?? firstLine(output, UNCAUGHT)}`);
  const name = file.split('/').at(-1) ?? file;
  if ((outcome === 'failed' || outcome === 'refused') && !failureLines.some((line) => line.includes(name)))
    problems.push(`the failure does not name ${name}: ${failureLines.join(' | ') || '(nothing said)'}`);
  if ((outcome === 'failed' || outcome === 'refused') && failure.oneLine && failureLines.length > 1)
    problems.push(`the failure takes ${failureLines.length} lines: ${failureLines.join(' | ')}`);
  if (outcome === 'completed') {
    if (!counts) problems.push('completed without row counts');
    else problems.push(...unbalanced(counts));
  }
  return { outcome, problems };
}

/**
 * A completed run's rows, from its report: read = written + rejected + dropped (a repeated key, an
 * unchanged item: counted, never silent). With sinks given, each sink on its own: a run writing to
 * DynamoDB and to Parquet writes every row twice, and each sink drops its own.
 */
export interface RowCounts {
  read: number;
  written: number;
  rejected: number;
  dropped?: number;
  sinks?: ReadonlyArray<{ name: string; rowsOut: number; rejected: number; dropped: number }>;
}

function unbalanced(counts: RowCounts): string[] {
  const { read, written, rejected, dropped = 0, sinks = [] } = counts;
  if (sinks.length <= 1) {
    return read === written + rejected + dropped
      ? []
      : [`rows read ${read} != written ${written} + rejected ${rejected} + dropped ${dropped}`];
  }
  // Rejected before the rows fan out to the sinks: every sink saw the rest.
  const before = rejected - sinks.reduce((sum, s) => sum + s.rejected, 0);
  return sinks
    .filter((s) => read !== before + s.rowsOut + s.rejected + s.dropped)
    .map(
      (s) =>
        `${s.name}: rows read ${read} != rejected ${before} + written ${s.rowsOut} + its rejected ${s.rejected} + dropped ${s.dropped}`,
    );
}

function firstLine(text: string, pattern: RegExp): string | undefined {
  return text
    .split('\n')
    .find((line) => pattern.test(line))
    ?.trim();
}
