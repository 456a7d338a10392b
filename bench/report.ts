/** Collects benchmark sections and writes docs/PERFORMANCE.md, keeping sections that were not re-run this time. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Section {
  /** A stable id: the section is replaced when the same bench runs again. */
  id: string;
  title: string;
  /** Markdown body: the table and what it means. */
  body: string;
}

const BEGIN = (id: string): string => `<!-- bench:${id}:begin -->`;
const END = (id: string): string => `<!-- bench:${id}:end -->`;

export function writeReport(path: string, sections: Section[], header: string): void {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : `# Performance\n\n${header}\n`;
  for (const s of sections) {
    const block = `${BEGIN(s.id)}\n## ${s.title}\n\n${s.body.trim()}\n${END(s.id)}`;
    const a = text.indexOf(BEGIN(s.id));
    const b = text.indexOf(END(s.id));
    text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END(s.id).length) : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(path, text.endsWith('\n') ? text : text + '\n');
}
