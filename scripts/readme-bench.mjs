#!/usr/bin/env node
// Copies the suite benchmark's summary (bench/results/suite.md: its command line, the main table, the goal checks
// and the paragraph defining them) into README.md between its bench markers; the panel's members, the Improve steps
// and the problems stay in the report, which the README links.
import { readFileSync, writeFileSync } from 'node:fs';

const lines = readFileSync('bench/results/suite.md', 'utf8').split('\n');
const header = lines.find((l) => l.startsWith('Command:')) ?? '';
const first = lines.findIndex((l) => l.startsWith('|'));
if (first < 0) throw new Error('bench/results/suite.md has no table');
let end = first;
while (end < lines.length && lines[end]?.startsWith('|')) end++;
const table = lines.slice(first, end);
// What follows the table up to the next section: the goal lines and what they mean.
const nextSection = lines.findIndex((l, i) => i > end && l.startsWith('## '));
const after = lines
  .slice(end, nextSection < 0 ? lines.length : nextSection)
  .join('\n')
  .trim();
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- bench:suite:start -->';
const stop = '<!-- bench:suite:end -->';
const [before, rest] = readme.split(start);
if (rest === undefined) throw new Error(`README.md has no ${start} marker`);
const tail = rest.split(stop)[1] ?? '';
const summary = [header, '', ...table, ...(after ? ['', after] : [])].join('\n');
writeFileSync('README.md', `${before}${start}\n${summary}\n${stop}${tail}`);
