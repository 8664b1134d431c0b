// `npm run chaos -- --minutes M --seed S --registers R [--sellers K] [--keep] [--json FILE]`
// A randomized fault run against real processes, then a checker over the whole history
// (packages/testing/src/chaos). Exit code 0 when every invariant held, 1 otherwise; a failing run
// prints its seed and the command that repeats its choices.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { runChaos, randomSeed } from '@comptoir/testing';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    seed: { type: 'string' },
    registers: { type: 'string', default: '3' },
    sellers: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const num = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number ≥ ${min} (got ${String(v)})`);
    process.exit(2);
  }
  return n;
};
const seed = values.seed === undefined ? randomSeed() : Math.trunc(num('seed', values.seed, 0));
const minutes = num('minutes', values.minutes, 0.05);
const registers = Math.trunc(num('registers', values.registers, 1));
const sellers = Math.trunc(num('sellers', values.sellers, 1));
console.log(`chaos: seed ${seed}, ${minutes} min, ${registers} registers × ${sellers} sellers`);
const report = await runChaos({ minutes, seed, registers, sellers, keep: values.keep, log: (l) => console.log(`chaos: ${l}`) });
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify({ ...report, violations: report.violations.length }, null, 2));
if (report.violations.length) {
  console.log(`\nchaos: ${report.violations.length} violation(s):`);
  for (const v of report.violations) console.log(`  - ${v}`);
  console.log(`\nchaos: FAILED with seed ${report.seed}; repeat with: ${report.reproduce}`);
  console.log(`chaos: history and data kept in ${report.workDir}`);
  process.exit(1);
}
console.log(`\nchaos: passed (seed ${report.seed}): ${report.acknowledged.sales} sales and ${report.acknowledged.returns} returns acknowledged through ${Object.values(report.faults).reduce((s, n) => s + (n ?? 0), 0)} faults; lost 0, duplicated 0; healed in ${report.healMs} ms`);
