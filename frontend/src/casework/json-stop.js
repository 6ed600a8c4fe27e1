// Where a JSON text stops being JSON, as a line and a column a person can look at. The browser's
// own JSON.parse message is English whatever the page's language, and often gives no position
// ("Unexpected token ','..."), so the text is read again here to find the first wrong character.

const SPACE = ' \t\n\r';
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The offset of the first character at which `text` is not JSON; its length when the text
 * ends too early; null when it reads as JSON. */
function firstWrong(text) {
  let at = 0;
  const fail = () => {
    throw new RangeError(String(at));
  };
  const skipSpace = () => {
    while (at < text.length && SPACE.includes(text[at])) at += 1;
  };
  const expect = (char) => {
    skipSpace();
    if (text[at] !== char) fail();
    at += 1;
  };
  const string = () => {
    expect('"');
    while (at < text.length && text[at] !== '"') {
      if (text[at] < ' ') fail();
      at += text[at] === '\\' ? 2 : 1;
    }
    expect('"');
  };
  const items = (close, item) => {
    skipSpace();
    if (text[at] === close) {
      at += 1;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text[at] === close) {
        at += 1;
        return;
      }
      expect(',');
    }
  };
  const value = () => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at += 1;
      items('}', () => {
        skipSpace();
        string();
        expect(':');
        value();
      });
    } else if (char === '[') {
      at += 1;
      items(']', value);
    } else if (char === '"') {
      string();
    } else {
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, at));
      NUMBER.lastIndex = at;
      const number = NUMBER.exec(text);
      if (word) at += word.length;
      else if (number) at += number[0].length;
      else fail();
    }
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail();
    return null;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return /^\d+$/.test(error.message) ? Number(error.message) : null; // or nested too deep
  }
}

/** Where JSON.parse stopped reading `text`: `{line, column}`, counted from 1. */
export function jsonStop(text) {
  const wrong = firstWrong(text);
  const lines = text.slice(0, wrong ?? text.length).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
