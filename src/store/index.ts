export { Store, openStore } from './store.js';
export type { NewRequest, InsertResult, ListFilter, OpenOptions, WriteBatch } from './store.js';
export { WriteBatcher, type BatchWindow, type DeliverySink } from './batcher.js';
export { startCheckpointer, type Checkpointer } from './checkpointer.js';
