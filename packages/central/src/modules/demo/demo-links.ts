/** The demo's cuttable links, as central sees them (the `demo` command provides them). */
export interface DemoLinks {
  set(registerId: string, up: boolean): Promise<void>;
  list(): { registerId: string; up: boolean }[];
}
