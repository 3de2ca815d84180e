import { describe, expect, it } from 'vitest';
import { identifierOf } from './identifier.js';

describe('identifierOf', () => {
  it('is absent when the event has no identifier', () => {
    expect(identifierOf(undefined)).toBeUndefined();
    expect(identifierOf(null)).toBeUndefined();
    expect(identifierOf('')).toBeUndefined();
  });

  it('keeps a string identifier as it is, whitespace included', () => {
    expect(identifierOf('d2f1b7c0-user')).toBe('d2f1b7c0-user');
    expect(identifierOf(' ')).toBe(' ');
  });

  it('reads other values as their string, so 42 and "42" are one profile', () => {
    expect(identifierOf(42)).toBe('42');
    expect(identifierOf(42)).toBe(identifierOf('42'));
    expect(identifierOf(0)).toBe('0');
    expect(identifierOf(false)).toBe('false');
    expect(identifierOf(true)).toBe('true');
  });
});
