import { describe, expect, it } from 'vitest';
import { findUnfitText } from '../../src/domain/text.js';

const lone = 'a\ud800b';

describe('findUnfitText', () => {
  it('finds nothing in fit values of any shape', () => {
    expect(findUnfitText({ a: 'x', b: [1, 'y', { c: null, d: true }], 'e/f~g': '中文 🙂' })).toBeNull();
    expect(findUnfitText('plain')).toBeNull();
    expect(findUnfitText(undefined)).toBeNull();
  });

  it('names the whole value as "/" when it is the unfit string', () => {
    expect(findUnfitText(lone)).toEqual({ path: '/', message: 'is not well-formed Unicode (a lone surrogate)' });
  });

  it('gives the JSON pointer of a nested value, array indexes and escaped ~ and / included', () => {
    expect(findUnfitText({ ok: 'x', outer: [{ fine: 1 }, { 'a/b~c': ['x', 'n\u0000ul'] }] })).toEqual({ path: '/outer/1/a~1b~0c/1', message: 'contains a NUL character' });
  });

  it('reports an unfit key by its own pointer, before looking inside its value', () => {
    expect(findUnfitText({ list: [{ [lone]: 'n\u0000ul' }] })).toEqual({ path: `/list/0/${lone}`, message: 'its name is not well-formed Unicode (a lone surrogate)' });
  });

  it('reports the first unfit string in key order', () => {
    expect(findUnfitText({ first: 'n\u0000', second: lone })?.path).toBe('/first');
  });

  it('stops at maxDepth: deeper values are the schema’s business', () => {
    const deep = { a: { b: { c: lone } } };
    expect(findUnfitText(deep, 2)).toBeNull();
    expect(findUnfitText(deep, 3)?.path).toBe('/a/b/c');
  });
});
