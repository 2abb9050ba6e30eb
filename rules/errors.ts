/**
 * A problem in a file staff edit by hand (rules, claims), located precisely enough that an editor
 * or a terminal can jump to it: `file:line:col: message`, then the line and a caret.
 */
import { readFileSync } from 'node:fs';

export interface RuleError {
  file: string;
  /** 1-based; 0 when the problem concerns the file or folder as a whole. */
  line: number;
  /** 1-based; 0 when unknown. */
  col: number;
  message: string;
}

export function ruleError(file: string, line: number, col: number, message: string): RuleError {
  return { file, line, col, message };
}

/**
 * `file:line:col: message`, followed by the offending source line and a caret under the column
 * when the line is known. `source` is the file's text; it is read from disk when not given.
 */
export function formatRuleError(err: RuleError, source?: string): string {
  const where = err.line > 0 ? `${err.file}:${err.line}:${Math.max(err.col, 1)}` : err.file;
  const head = `${where}: ${err.message}`;
  if (err.line <= 0) return head;
  const text = source ?? readQuietly(err.file);
  const srcLine = text?.split(/\r?\n/)[err.line - 1];
  if (srcLine === undefined) return head;
  // Tabs stay tabs so the caret lines up whatever the terminal's tab width.
  const pad = srcLine.slice(0, Math.max(err.col - 1, 0)).replace(/[^\t]/g, ' ');
  return `${head}\n  ${srcLine}\n  ${pad}^`;
}

/** Formats many errors, reading each file once. */
export function formatRuleErrors(errors: RuleError[], sources: Map<string, string> = new Map()): string {
  return errors
    .map((e) => {
      if (!sources.has(e.file)) sources.set(e.file, readQuietly(e.file) ?? '');
      return formatRuleError(e, sources.get(e.file));
    })
    .join('\n');
}

/** Errors in file order, then position, so a listing reads top to bottom. */
export function sortRuleErrors(errors: RuleError[]): RuleError[] {
  return [...errors].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
