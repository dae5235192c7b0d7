export { Store, openStore } from './store.js';
export type { NewRequest, InsertResult, ListFilter, OpenOptions } from './store.js';
export { GroupCommitter } from './group-commit.js';
export { startCheckpointer, type Checkpointer } from './checkpointer.js';
