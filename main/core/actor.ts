import { userInfo } from 'node:os';

/** Who made a review decision: the entry point and the OS user ("app:alice", "cli:alice"). */
export function actor(source: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username || 'unknown';
  } catch {
    // no passwd entry (containers): the source alone still says where it came from
  }
  return `${source}:${user}`;
}
