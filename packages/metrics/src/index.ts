export * from './metrics-endpoint';
