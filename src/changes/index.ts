export { InProcessChangeFeed, silentChangeFeed } from './change-feed';
export type { Change, ChangeAction, ChangeFeed, ChangeListener, ChangeTopic } from './change-feed';
