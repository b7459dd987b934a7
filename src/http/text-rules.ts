/** A UTF-16 surrogate without its pair: such a string cannot be encoded as UTF-8 faithfully. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the text is valid Unicode (it survives UTF-8, a database and a header unchanged). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** True for a well-formed text without control characters (newlines, NUL, escapes). */
export function isPlainText(text: string): boolean {
  if (!isWellFormedText(text)) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}
