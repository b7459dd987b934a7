export * from './key-ring';
export * from './reseal-store';
export * from './secret-box';
