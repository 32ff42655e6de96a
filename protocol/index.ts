export * from './limits';
export * from './schema';
export * from './parse';
export * from './conversation';
export * from './attachments';
