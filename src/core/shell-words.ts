/**
 * A command line cut into words as a POSIX shell cuts it, without expanding anything: blanks
 * separate words; 'single quotes' keep everything; "double quotes" keep everything but \" \\ \$
 * and \`; a backslash outside quotes keeps the next character. Returns an error message for an
 * unclosed quote.
 */
export function splitWords(line: string): string[] | { error: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 < line.length) word += line[++i];
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return { error: "unclosed single quote" };
      word += line.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        word += line[j];
      }
      if (j >= line.length) return { error: "unclosed double quote" };
      i = j;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}

/** A word as a shell would need it written: `npm`, `'a b'`, `'it'\''s'`. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** A command line that a shell would read back as these words. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}
