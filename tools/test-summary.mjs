#!/usr/bin/env node
// Sums the vitest JSON results of every project (written by vitest.shared.mjs) into one line:
// "N passed, N failed[, N skipped]". Used by .ci/run after `npm test`.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../.local/test-results/', import.meta.url);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const result = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
