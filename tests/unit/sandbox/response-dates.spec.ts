/** The sandbox's HTTP dates: remembered per second, always the text a fresh conversion would give. */
import { expect, test } from '@playwright/test';
import { httpDate, httpDateOfIso } from '../../../src/sandbox/response.ts';

test('HTTP dates of ISO times and of Dates match toUTCString within a second, across seconds and in the long-year form', () => {
  const second = Date.UTC(2026, 10, 24, 23, 59, 59);
  const times = [0, 1, 999, 1000, 1001].map((ms) => second + ms); // the same second, then the next
  times.push(Date.UTC(10000, 0, 1, 0, 0, 1, 7), Date.UTC(10000, 0, 1, 0, 0, 2, 8)); // long form: same minute, two seconds
  for (const ms of times) {
    const time = new Date(ms);
    expect(httpDateOfIso(time.toISOString())).toBe(time.toUTCString());
    expect(httpDate(time)).toBe(time.toUTCString());
  }
});
