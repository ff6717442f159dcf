import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDetails } from '../openapi';

/** Documents the given error answers (status → what it means) as `application/problem+json`. */
export function ApiOwnProblems(problems: Record<number, string>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...Object.entries(problems).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetails) } } },
      }),
    ),
  );
}
