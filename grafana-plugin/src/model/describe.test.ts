import { budgetLevel, formatDuration } from './describe';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [42, '42s'],
    [432, '7m 12s'],
    [900, '15m'],
    [3720, '1h 2m'],
    [7200, '2h'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('budgetLevel', () => {
  it('turns warning at 75 % of the RTO and critical once it is spent', () => {
    expect(budgetLevel(100, 900)).toBe('ok');
    expect(budgetLevel(700, 900)).toBe('warning');
    expect(budgetLevel(900, 900)).toBe('critical');
    expect(budgetLevel(100, undefined)).toBe('ok');
  });
});
