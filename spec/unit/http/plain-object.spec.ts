import { isPlainObject, toPlainObject } from '../../../src/http/plain-object';

describe('isPlainObject', () => {
  it.each<[string, unknown, boolean]>([
    ['an empty object', {}, true],
    ['an object with keys', { a: 1 }, true],
    ['a parsed JSON object', JSON.parse('{"x":[1]}'), true],
    ['an object without prototype', Object.create(null), true],
    ['null', null, false],
    ['undefined', undefined, false],
    ['an array', [], false],
    ['an array of objects', [{}], false],
    ['a string', '{}', false],
    ['a number', 0, false],
    ['a boolean', true, false],
  ])('%s → %s', (_name, value, expected) => {
    expect(isPlainObject(value)).toBe(expected);
  });
});

describe('toPlainObject', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['an object is copied', { a: 1, b: 'x' }, { a: 1, b: 'x' }],
    ['an array becomes empty', [1, 2], {}],
    ['null becomes empty', null, {}],
    ['a string becomes empty', 'abc', {}],
  ])('%s', (_name, value, expected) => {
    const result = toPlainObject(value);
    expect(result).toEqual(expected);
    expect(result).not.toBe(value);
  });
});
