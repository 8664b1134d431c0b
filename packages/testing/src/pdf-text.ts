import { execFileSync } from 'node:child_process';
import { optOut } from './opt-out';

/** COMPTOIR_TEST_NO_PDFTOTEXT=1: a run without pdftotext, whose PDF read-backs are then reported skipped. */
export const PDFTOTEXT = optOut('COMPTOIR_TEST_NO_PDFTOTEXT', 'the PDF text is not checked');

/** Whether pdftotext (Debian poppler-utils, installed by .ci/run) is on this machine. */
export function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The text of a PDF as pdftotext reads it (`-layout`, from stdin: no file left behind). */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' });
}
