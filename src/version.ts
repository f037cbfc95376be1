// The Redis version we present on the wire (INFO redis_version, HELLO) and our own.
export const VERSION = '0.1.0';
/** Clients and tools branch on the Redis version; we implement Redis 7.0 behaviour. */
export const REDIS_VERSION = '7.0.15';
