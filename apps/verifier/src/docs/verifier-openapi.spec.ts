import { validateVerifyRequest } from '../verification/verify-http';
import { verifierOpenApiDocument } from './verifier-openapi';

interface PropertySchema {
  type?: string | string[];
  anyOf?: PropertySchema[];
  items?: PropertySchema;
  maxItems?: number;
  maxLength?: number;
}

interface ObjectSchema {
  type: string;
  properties: Record<string, PropertySchema>;
  required: string[];
  additionalProperties: boolean;
}

const document = verifierOpenApiDocument() as {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody: { content: Record<string, { schema: { $ref: string } }> } }>
  >;
  components: { schemas: Record<string, unknown> };
};
const requestSchema = document.components.schemas.VerifyRequest as ObjectSchema;

/** The alternatives of a property: its anyOf, or itself. */
const alternatives = (schema: PropertySchema): PropertySchema[] => schema.anyOf ?? [schema];
const typesOf = (schema: PropertySchema): string[] =>
  alternatives(schema).flatMap((s) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []));

/** A value the schema accepts, of the given type, at its limits. */
function valueAtLimit(schema: PropertySchema, type: string, over = false): unknown {
  const alternative = alternatives(schema).find((s) => typesOf(s).includes(type)) ?? schema;
  switch (type) {
    case 'string':
      return 's'.repeat((alternative.maxLength ?? 8) + (over ? 1 : 0));
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: (alternative.maxItems ?? 2) + (over ? 1 : 0) }, () =>
        valueAtLimit(alternative.items!, typesOf(alternative.items!)[0]),
      );
    default:
      throw new Error(`no sample for ${type}`);
  }
}

const minimal = (): Record<string, unknown> =>
  Object.fromEntries(
    requestSchema.required.map((name) => [name, valueAtLimit(requestSchema.properties[name], 'string')]),
  );
const accepts = (body: unknown) => validateVerifyRequest(body).success;

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and describes POST /v1/verify with the VerifyRequest body', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/v1/verify'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/VerifyRequest',
    });
    expect(requestSchema).toMatchObject({ type: 'object', required: ['token'], additionalProperties: false });
    expect(Object.keys(requestSchema.properties).sort()).toEqual(
      ['caller', 'callerEnforcesResources', 'requiredScopes', 'resource', 'token'].sort(),
    );
  });

  describe('matches what the handler accepts', () => {
    it('accepts the required fields alone, refuses a body without one of them', () => {
      expect(accepts(minimal())).toBe(true);
      for (const name of requestSchema.required) {
        const { [name]: _left, ...body } = minimal();
        expect(accepts(body)).toBe(false);
      }
    });

    it('refuses a field the document does not describe', () => {
      expect(accepts({ ...minimal(), undocumented: 'x' })).toBe(false);
    });

    it.each(Object.keys(requestSchema.properties))(
      '%s: every documented type is accepted at its limits, refused past them, and other types refused',
      (name) => {
        const property = requestSchema.properties[name];
        const types = typesOf(property);
        const answers: Array<[string, boolean]> = [];
        const tryValue = (label: string, value: unknown) =>
          answers.push([label, accepts({ ...minimal(), [name]: value })]);
        const expected: Array<[string, boolean]> = [];
        for (const type of types) {
          tryValue(`${type} at its limits`, valueAtLimit(property, type));
          expected.push([`${type} at its limits`, true]);
        }
        for (const type of ['string', 'array']) {
          const limited = alternatives(property).find((s) => typesOf(s).includes(type));
          if (limited && (limited.maxLength !== undefined || limited.maxItems !== undefined)) {
            tryValue(`${type} past its limit`, valueAtLimit(property, type, true));
            expected.push([`${type} past its limit`, false]);
          }
        }
        const items = alternatives(property).find((s) => s.items)?.items;
        if (items?.maxLength !== undefined) {
          tryValue('an item past its limit', ['s'.repeat(items.maxLength + 1)]);
          expected.push(['an item past its limit', false]);
        }
        for (const other of ['string', 'boolean', 'null', 'array', 'number'].filter(
          (t) => !types.includes(t),
        )) {
          tryValue(
            other,
            other === 'array' ? ['s'] : other === 'number' ? 42 : valueAtLimit({ type: other }, other),
          );
          expected.push([other, false]);
        }

        expect(answers).toEqual(expected);
      },
    );
  });
});
