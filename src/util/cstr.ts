// Redis reads some arguments as C strings: printf's %s, strcasecmp, strtod and its pattern code stop
// at the first NUL byte, so "xx\0yy" is the option XX and prints as "xx".

/** The part of s before its first NUL byte. */
export function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}
