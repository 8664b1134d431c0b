// The copy schedule as a shop owner sets it: times of day and days of the week. It is stored as
// cron expressions (what central and the registers run), one per time, all on the same days:
// 06:30 and 13:00 from Monday to Friday → ["0 30 6 * * 1-5", "0 0 13 * * 1-5"]. A schedule that is
// not of that form (other fields, different days per line) is only editable as cron ("advanced").

/** Days of the week in cron numbering (0 = Sunday), listed Monday first as shops read a week. */
export const WEEK = [1, 2, 3, 4, 5, 6, 0] as const;

export type SimpleSchedule = { times: string[]; days: number[] };

/** Cron expressions (with seconds) for these times on these days; the days field is `*` for all seven. */
export function toCron(s: SimpleSchedule): string[] {
  const days = [...new Set(s.days)].sort((a, b) => a - b);
  const dayField = days.length === 7 || days.length === 0 ? '*' : daysField(days);
  return [...new Set(s.times)]
    .filter((t) => /^\d{2}:\d{2}$/.test(t))
    .sort()
    .map((t) => {
      const [h, m] = t.split(':').map(Number) as [number, number];
      return `0 ${m} ${h} * * ${dayField}`;
    });
}

/** The same schedule read back, or null when some expression is not "a time on some days". */
export function fromCron(lines: string[]): SimpleSchedule | null {
  if (lines.length === 0) return { times: [], days: [...WEEK] };
  let days: number[] | null = null;
  const times: string[] = [];
  for (const line of lines) {
    const m = /^(?:0 )?(\d{1,2}) (\d{1,2}) \* \* (\S+)$/.exec(line.trim());
    if (!m) return null;
    const [minute, hour] = [Number(m[1]), Number(m[2])];
    if (minute > 59 || hour > 23) return null;
    const d = parseDays(m[3]!);
    if (!d || (days && d.join() !== days.join())) return null;
    days = d;
    times.push(`${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`);
  }
  return { times: times.sort(), days: days ?? [...WEEK] };
}

/** `1-5` for a run of days, else `1,3,5`. */
function daysField(days: number[]): string {
  const run = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  return run && days.length > 2 ? `${days[0]}-${days[days.length - 1]}` : days.join(',');
}

function parseDays(field: string): number[] | null {
  if (field === '*' || field === '?') return [0, 1, 2, 3, 4, 5, 6];
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^(\d)(?:-(\d))?$/.exec(part);
    if (!range) return null;
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from > to || to > 7) return null;
    for (let d = from; d <= to; d++) out.add(d % 7);
  }
  return [...out].sort((a, b) => a - b);
}
