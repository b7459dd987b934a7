export * from './key-ring';
export * from './key-material-store';
export * from './key-refresher';
export * from './master-key';
export * from './reseal-store';
export * from './rotate-key';
export * from './secret-box';
