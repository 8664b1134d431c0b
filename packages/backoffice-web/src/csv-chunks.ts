/**
 * Splits a CSV text into chunks of at most `rows` records, each chunk starting with the header
 * line, so the import can show progress and the server can validate each chunk on its own.
 * Quote-aware: a newline inside a quoted field does not end a record. `firstLine` is the 1-based
 * line, in the whole file, of the chunk's first record (for the rejected-rows report).
 */
export function csvChunks(text: string, rows = 1000): { body: string; firstLine: number; records: number }[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0] ?? '';
  const chunks: { body: string; firstLine: number; records: number }[] = [];
  let current: string[] = [];
  let currentFirst = 2;
  let records = 0;
  let pending: string[] = [];
  let pendingStart = 2;
  let quotes = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (pending.length === 0) pendingStart = i + 1;
    pending.push(line);
    quotes += (line.match(/"/g) ?? []).length;
    if (quotes % 2 !== 0) continue; // inside a quoted field: the record goes on
    const record = pending.join('\n');
    pending = [];
    quotes = 0;
    if (current.length === 0) currentFirst = pendingStart;
    current.push(record);
    if (record.trim() !== '') records += 1;
    if (records >= rows) {
      chunks.push({ body: `${header}\n${current.join('\n')}\n`, firstLine: currentFirst, records });
      current = [];
      records = 0;
    }
  }
  if (pending.length > 0) current.push(pending.join('\n'));
  if (records > 0 || current.some((l) => l.trim() !== '')) chunks.push({ body: `${header}\n${current.join('\n')}\n`, firstLine: currentFirst, records });
  return chunks;
}
