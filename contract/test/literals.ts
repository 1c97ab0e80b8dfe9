/**
 * The string, template and regular-expression literals of a JavaScript or TypeScript source,
 * without its comments: enough of a tokenizer to tell `'recovery_group_phase'` (a name spelled
 * in code) from a doc comment that mentions it. Used by the test that keeps metric names in the
 * contract; not part of the package's public surface.
 */
export function literalsOf(source: string): string[] {
  const literals: string[] = [];
  let i = 0;
  /** The last significant character outside literals and comments: decides whether `/` starts a regex. */
  let previous = '';
  let previousWord = '';
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      i = source.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = endOfQuoted(source, i, c);
      literals.push(source.slice(i + 1, end));
      i = end + 1;
      previous = c;
      continue;
    }
    if (c === '`') {
      const end = endOfTemplate(source, i);
      literals.push(source.slice(i + 1, end));
      i = end + 1;
      previous = c;
      continue;
    }
    if (c === '/' && startsRegex(previous, previousWord)) {
      const end = endOfRegex(source, i);
      literals.push(source.slice(i + 1, end));
      i = end + 1;
      previous = '/';
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(source[j]!)) j++;
      previousWord = source.slice(i, j);
      previous = 'a';
      i = j;
      continue;
    }
    previous = c;
    previousWord = '';
    i++;
  }
  return literals;
}

function startsRegex(previous: string, previousWord: string): boolean {
  if (previous === '') return true;
  if (previous === 'a') return ['return', 'typeof', 'case', 'in', 'of', 'void', 'yield', 'await'].includes(previousWord);
  return '(,=:[!&|?{};+-*%<>~^'.includes(previous);
}

function endOfQuoted(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length && source[i] !== quote && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
  return i;
}

/** The closing backtick, skipping `${…}` (which may hold strings and templates of its own). */
function endOfTemplate(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else if (c === '`') return i;
    else if (c === '$' && source[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (i < source.length && depth > 0) {
        const d = source[i]!;
        if (d === '{') depth++;
        else if (d === '}') depth--;
        else if (d === "'" || d === '"') i = endOfQuoted(source, i, d);
        else if (d === '`') i = endOfTemplate(source, i);
        i++;
      }
    } else i++;
  }
  return i;
}

function endOfRegex(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length && source[i] !== '\n') {
    const c = source[i]!;
    if (c === '\\') i += 2;
    else {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) return i;
      i++;
    }
  }
  return i;
}
