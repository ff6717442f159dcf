import { z } from 'zod';

/** What `Date#toISOString` writes for a year outside 0000–9999: a signed six-digit year. */
const EXPANDED_YEAR = /^[+-]\d{6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An instant as the services write it (`Date#toISOString`): ISO 8601 with an offset, including the
 * expanded-year form JavaScript uses beyond year 9999. The API caps new expiry dates
 * (MAX_TOKEN_LIFETIME_DAYS), but an event about a token accepted before the cap must still be read,
 * never dead-lettered.
 */
export const isoInstant = z.union([
  z.iso.datetime({ offset: true }),
  z
    .string()
    .regex(EXPANDED_YEAR)
    .refine((text) => Number.isFinite(Date.parse(text)), 'not a valid instant'),
]);
