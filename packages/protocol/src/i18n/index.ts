// `@comptoir/protocol/i18n`: the one i18n system of both screens (browser-safe).
export * from './translator';
export * from './shared.messages';
export * from './error-text';
