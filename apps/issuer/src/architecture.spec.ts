import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The issuer's shape, checked on its source: feature folders depend on each other in one direction
 * only, and only the outbox appends outbox rows or wakes the relay. (That only repositories, entities,
 * migrations and database/ import TypeORM is an ESLint rule: see eslint.config.mjs.)
 */

const SRC = __dirname;
/** Infrastructure every feature may use, and the composition root; not feature folders. */
const NOT_FEATURES = new Set(['database', 'infrastructure', 'cli', 'testing']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({
  path: relative(SRC, path),
  text: readFileSync(path, 'utf8'),
}));

const featureOf = (path: string): string | undefined => {
  const [first, ...rest] = path.split('/');
  return rest.length > 0 && !NOT_FEATURES.has(first) ? first : undefined;
};

/** feature → the features its files import (relative imports that leave the folder). */
function featureImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { path, text } of files) {
    const from = featureOf(path);
    if (from === undefined) continue;
    for (const [, target] of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
      const resolved = relative(SRC, join(SRC, path, '..', target));
      const to = featureOf(`${resolved}.ts`);
      if (to === undefined || to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

describe('issuer architecture', () => {
  it('has no pair of feature folders importing each other', () => {
    const graph = featureImports();
    const twoWay: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        if (from < to && graph.get(to)?.has(from)) twoWay.push(`${from} <-> ${to}`);
      }
    }
    expect(twoWay).toEqual([]);
    // The check sees the imports it is meant to judge.
    expect(graph.get('renewals')?.has('tokens')).toBe(true);
  });

  it('appends outbox rows and wakes the relay only in outbox/', () => {
    const outside = files.filter(
      ({ path, text }) =>
        !path.startsWith('outbox/') &&
        /insert\(\s*OutboxMessage|\.nudge\(|OutboxRelay|OutboxRepository/.test(text),
    );
    expect(outside.map((f) => f.path)).toEqual([]);
  });

  it('keeps every file of tokens/ under 250 lines', () => {
    const long = files
      .filter(({ path }) => path.startsWith('tokens/'))
      .map(({ path, text }) => ({ path, lines: text.split('\n').length }))
      .filter(({ lines }) => lines > 250);
    expect(long).toEqual([]);
  });
});
