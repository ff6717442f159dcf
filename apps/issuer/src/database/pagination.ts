import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** The highest page number a list endpoint accepts. */
export const MAX_PAGE = 10_000;
/** The most rows one page may hold (each endpoint's own limit is lower). */
export const MAX_PAGE_ROWS = 1_000;

/**
 * One page of a filtered, ordered query, and how many rows match in all. The page window travels as
 * bound parameters (`LIMIT $n OFFSET $m`), never as SQL text: TypeORM's skip/take would write it into
 * the statement. `builder` selects one entity aliased `alias` with an `id` primary key, and must be
 * ordered to a total order (end with the id) so pages never overlap.
 */
export async function fetchPage<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  alias: string,
  page: number,
  pageSize: number,
): Promise<{ rows: T[]; total: number }> {
  if (!Number.isSafeInteger(page) || page < 1 || page > MAX_PAGE) {
    throw new RangeError(`page must be an integer from 1 to ${MAX_PAGE}`);
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_ROWS) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_ROWS}`);
  }
  const [sql, parameters] = builder.clone().select(`${alias}.id`, 'id').getQueryAndParameters() as [
    string,
    unknown[],
  ];
  const n = parameters.length;
  // One after the other, like getManyAndCount: a list request never holds two pool connections.
  const window = await builder.connection.query<{ id: string }[]>(`${sql} LIMIT $${n + 1} OFFSET $${n + 2}`, [
    ...parameters,
    pageSize,
    (page - 1) * pageSize,
  ]);
  const ids = window.map((row) => row.id);
  const total = await builder.getCount();
  if (ids.length === 0) return { rows: [], total };
  // The same order, restricted to the page's ids.
  const rows = await builder.clone().andWhere(`${alias}.id IN (:...pageIds)`, { pageIds: ids }).getMany();
  return { rows, total };
}
