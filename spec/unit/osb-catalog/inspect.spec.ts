import { charLength, duplicatesOf, rubyInspect, rubyToS } from '../../../src/osb-catalog/inspect';

describe('rubyInspect', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'nil'],
    ['undefined (an absent key)', undefined, 'nil'],
    ['an integer', 12345, '12345'],
    ['a float', 1.5, '1.5'],
    ['true', true, 'true'],
    ['a string', 'not-a-bool', '"not-a-bool"'],
    ['a string with quotes and a newline', 'a"b\nc', '"a\\"b\\nc"'],
    ['a string with an interpolation marker', '#{x}', '"\\#{x}"'],
    ['an escape character', '\u001b', '"\\e"'],
    ['an array', ['a', 1, null], '["a", 1, nil]'],
    ['an empty array', [], '[]'],
    ['a hash', { a: 1, b: [true] }, '{"a"=>1, "b"=>[true]}'],
  ])('prints %s as Ruby would', (_name, value, expected) => {
    expect(rubyInspect(value)).toBe(expected);
  });
});

describe('rubyToS', () => {
  it.each<[unknown, string]>([
    [null, ''],
    ['tiny', 'tiny'],
    [123, '123'],
    [['a'], '["a"]'],
  ])('interpolates %j as %j', (value, expected) => {
    expect(rubyToS(value)).toBe(expected);
  });
});

describe('charLength', () => {
  it.each<[string, number]>([
    ['abc', 3],
    ['é', 1],
    ['😀😀', 2],
  ])('counts %j as %d characters', (text, expected) => {
    expect(charLength(text)).toBe(expected);
  });
});

describe('duplicatesOf', () => {
  it.each<[string, unknown[], unknown[]]>([
    ['no duplicates', ['a', 'b'], []],
    ['each duplicate once, in first-seen order', ['b', 'a', 'b', 'a', 'b'], ['b', 'a']],
    ['1 and "1" are different', [1, '1'], []],
    ['absent values are ignored', [null, null, undefined, undefined], []],
  ])('with %s', (_name, values, expected) => {
    expect(duplicatesOf(values)).toEqual(expected);
  });
});
