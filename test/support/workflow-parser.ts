import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One error of GitHub's parser: its message names the file, line and column. */
export interface ParseError {
  message: string;
}
interface ParseResult {
  context: { errors: { getErrors(): ParseError[] } };
}
interface Parser {
  parseWorkflow(file: { name: string; content: string }, trace: unknown): ParseResult;
  parseAction(file: { name: string; content: string }, trace: unknown): ParseResult;
  NoOperationTraceWriter: new () => unknown;
}

/** GitHub's workflow and action parser (`@actions/workflow-parser`), as the service and the editor run it. */
export interface WorkflowParser {
  /** The errors GitHub reports for a workflow file (none: it is accepted). */
  workflowErrors(name: string, content: string): string[];
  /** The errors GitHub reports for an action.yml. */
  actionErrors(name: string, content: string): string[];
  close(): Promise<void>;
}

/**
 * Loads `@actions/workflow-parser`. Its ES modules import JSON schemas without import attributes,
 * which Node refuses, so it is bundled with esbuild into one CommonJS file first.
 */
export async function loadWorkflowParser(): Promise<WorkflowParser> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-copy-workflow-parser-'));
  const outfile = join(dir, 'parser.cjs');
  await build({
    stdin: {
      contents: [
        "export { parseWorkflow, NoOperationTraceWriter } from '@actions/workflow-parser';",
        "export { parseAction } from '@actions/workflow-parser/actions/index';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  const parser = createRequire(import.meta.url)(outfile) as Parser;
  const trace = new parser.NoOperationTraceWriter();
  const messages = (r: ParseResult) => r.context.errors.getErrors().map((e) => e.message);
  return {
    workflowErrors: (name, content) => messages(parser.parseWorkflow({ name, content }, trace)),
    actionErrors: (name, content) => messages(parser.parseAction({ name, content }, trace)),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
