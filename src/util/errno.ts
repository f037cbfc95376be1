// The C library's strerror() wording for the errno codes Node reports, for log lines Redis users
// and its test suite grep ("No such file or directory").

const TEXTS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

/** strerror(errno) for a Node system error; its own message for anything else. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && TEXTS[code]) || (err as Error).message;
}
