// `@comptoir/protocol/node`: the parts of the protocol that need Node built-ins (node:crypto), for
// the servers and the command only. The main entry (`index.ts`) stays browser-safe: the web apps
// import the schemas from it for real.
export * from './copy-checksum';
