/** The Redis connection behind the trial queue, from a `redis://` URL. */
import type { ConnectionOptions } from 'bullmq';
import { ServelabError } from '../core/errors.js';

export function redisConnection(queueUrl: string): ConnectionOptions {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    throw new ServelabError(`--queue: expected a URL like redis://HOST:6379, got '${queueUrl}'`);
  }
  if (url.protocol !== 'redis:') throw new ServelabError(`--queue: expected a redis:// URL, got '${queueUrl}'`);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    // BullMQ workers block on Redis; they must retry forever rather than fail a command while Redis is away.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 5_000),
  };
}
