// A cuttable link: a TCP relay between a register and the central server that can be cut, slowed or
// made to fail on purpose. The demo's "cut this register's link" button and the fault tests use it.
export { startFaultProxy } from './link-proxy';
export type { FaultMode, FaultProxy, FaultProxyOptions, FaultProxyStats, FaultTarget } from './link-proxy';
