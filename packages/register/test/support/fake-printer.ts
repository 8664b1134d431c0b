// A thermal printer for tests: a real local TCP listener (node:net) that keeps each job (one per
// connection) and decodes ESC/POS: ESC/FS/GS commands are stripped and listed, the text is read in
// code page 858. Used by the receipt tests and the drawer's no-sale kick.
import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@comptoir/testing';

/** Bytes above 0x7F that French receipts use, in code page 858 (the rest decode as "?"). */
const CP858: Record<number, string> = {
  0x80: 'Ç', 0x82: 'é', 0x83: 'â', 0x85: 'à', 0x87: 'ç', 0x88: 'ê', 0x89: 'ë', 0x8a: 'è', 0x8b: 'ï', 0x8c: 'î',
  0x90: 'É', 0x93: 'ô', 0x96: 'û', 0x97: 'ù', 0xc4: '─', 0xcd: '═', 0xd5: '€', 0xf8: '°',
};

/** Argument byte counts of the ESC/POS commands a receipt (or the drawer kick, `ESC p m t1 t2`) may use; anything else fails the test. */
const ESC_ARGS: Record<string, number> = { '@': 0, p: 3, '2': 0, '3': 1, '!': 1, '-': 1, E: 1, G: 1, M: 1, a: 1, d: 1, J: 1, t: 1, R: 1, V: 1 };
const GS_ARGS: Record<string, number> = { '!': 1, B: 1, b: 1, h: 1, w: 1, H: 1 };
const FS_ARGS: Record<string, number> = { '.': 0, '&': 0, C: 1 };

export interface Decoded {
  text: string;
  /** Each command as e.g. "ESC @", "GS V 0" (arguments in decimal). */
  commands: string[];
}

export function decodeEscPos(bytes: Uint8Array): Decoded {
  let text = '';
  const commands: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b === 0x1b || b === 0x1d || b === 0x1c) {
      const prefix = b === 0x1b ? 'ESC' : b === 0x1d ? 'GS' : 'FS';
      const op = String.fromCharCode(bytes[i + 1]!);
      let n = (b === 0x1b ? ESC_ARGS : b === 0x1d ? GS_ARGS : FS_ARGS)[op];
      if (b === 0x1d && op === 'V') n = bytes[i + 2]! >= 65 ? 2 : 1; // GS V m [n]
      if (b === 0x1d && op === 'k') {
        // GS k m n d1…dn (barcode, m ≥ 65): shown as "GS k m <data as text>"
        const len = bytes[i + 3]!;
        commands.push(`GS k ${bytes[i + 2]} ${String.fromCharCode(...bytes.subarray(i + 4, i + 4 + len))}`);
        i += 4 + len;
        continue;
      }
      if (n === undefined) throw new Error(`unknown command ${prefix} ${op} (0x${bytes[i + 1]!.toString(16)}) at byte ${i}`);
      commands.push([prefix, op, ...bytes.subarray(i + 2, i + 2 + n)].join(' '));
      i += 2 + n;
      continue;
    }
    if (b === 0x0a) text += '\n';
    else if (b === 0x0d) {
      /* carriage return */
    } else if (b < 0x80) text += String.fromCharCode(b);
    else text += CP858[b] ?? '?';
    i++;
  }
  return { text, commands };
}

/** A thermal printer on a free local port: one print job per TCP connection, decoded. */
export class FakePrinter {
  readonly jobs: Buffer[] = [];
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => this.jobs.push(Buffer.concat(chunks)));
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/**
 * A port with nothing listening on it (a printer that is switched off): one of this test file's range,
 * which no other process of the run is handed (a port the kernel picked and released could be taken).
 */
export function deadPort(): Promise<number> {
  return freePort();
}
