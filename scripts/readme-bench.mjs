#!/usr/bin/env node
// Copies the suite benchmark's table (bench/results/suite.md) into README.md between its bench markers.
import { readFileSync, writeFileSync } from 'node:fs';

const report = readFileSync('bench/results/suite.md', 'utf8');
const header = report.split('\n').find((l) => l.startsWith('Command:')) ?? '';
const table = report
  .split('\n')
  .filter((l) => l.startsWith('|'))
  .join('\n');
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- bench:suite:start -->';
const end = '<!-- bench:suite:end -->';
const [before, rest] = readme.split(start);
if (rest === undefined) throw new Error(`README.md has no ${start} marker`);
const after = rest.split(end)[1] ?? '';
writeFileSync('README.md', `${before}${start}\n${header}\n\n${table}\n${end}${after}`);
