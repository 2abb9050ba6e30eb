/** A digest on disk: the HTML as it would be mailed, and its text part beside it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RenderedDigest } from './render.ts';

/** Writes `file` (HTML) and the same name with `.txt`; returns the text file's path. */
export function writeDigestFiles(file: string, digest: Pick<RenderedDigest, 'html' | 'text'>): string {
  const textFile = file.replace(/\.html?$/i, '') + '.txt';
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, digest.html);
  writeFileSync(textFile, digest.text);
  return textFile;
}
