import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, but only for an absent field: an explicit `null` is validated (and refused by
 * the field's other rules) instead of reaching the use case, for fields where null means nothing.
 */
export const OptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
