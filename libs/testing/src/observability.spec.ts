import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Keeps the metrics documentation, the alert rules and the dashboard true to each other and to the code:
 * every series they query is documented in docs/observability.md, every series the code registers is
 * documented there too, and the dashboard and rules are well formed.
 */
const REPO = resolve(__dirname, '../../..');
const DOC = readFileSync(join(REPO, 'docs/observability.md'), 'utf8');
const RULES = parse(readFileSync(join(REPO, 'k8s/observability/prometheus-rules.yaml'), 'utf8')) as {
  kind: string;
  spec: {
    groups: {
      name: string;
      rules: {
        alert: string;
        expr: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }[];
    }[];
  };
};
const DASHBOARD = JSON.parse(
  readFileSync(join(REPO, 'k8s/observability/grafana-dashboard.json'), 'utf8'),
) as {
  uid: string;
  panels: { id: number; type: string; title: string; targets?: { expr: string }[] }[];
};

/** Series named in a PromQL expression, histogram suffixes folded into the histogram's name. */
function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(latchkey_[a-z_]+|process_[a-z_]+|nodejs_[a-z_0-9]+)\b/g)].map(([name]) =>
    name.replace(/_(bucket|count|sum)$/, ''),
  );
}

/** Series documented: a `latchkey_…` in a table's first column; a runtime series named in the text. */
function documented(name: string): boolean {
  if (/^(process|nodejs)_/.test(name)) return DOC.includes(`\`${name}\``);
  return new RegExp(`^\\| \`${name}\` \\|`, 'm').test(DOC);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('k8s/observability and docs/observability.md', () => {
  const alerts = RULES.spec.groups.flatMap((group) => group.rules);
  const panelExprs = DASHBOARD.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr));

  it('queries only documented series, in the alert rules and the dashboard', () => {
    const undocumented = [...alerts.map((rule) => rule.expr), ...panelExprs]
      .flatMap(seriesIn)
      .filter((name) => !documented(name));
    expect([...new Set(undocumented)]).toEqual([]);
  });

  it('documents every series the code registers', () => {
    const registered = [REPO + '/apps', REPO + '/libs']
      .flatMap(sourceFiles)
      .flatMap((file) =>
        [
          ...readFileSync(file, 'utf8').matchAll(
            /(?:name: |registerGauge\(\s*|FixedLabelHistogram\(\s*registry,\s*)'(latchkey_[a-z_]+)'/g,
          ),
        ].map((m) => m[1]),
      );
    expect(registered).toEqual(expect.arrayContaining(['latchkey_verifier_verify_duration_seconds']));
    expect([...new Set(registered.filter((name) => !documented(name)))]).toEqual([]);
  });

  it('alerts on outbox lag, dead letters, the verify error rate and callback failures, each with a severity and a summary', () => {
    const names = alerts.map((rule) => rule.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'LatchkeyOutboxLagging',
        'LatchkeyDeadLetters',
        'LatchkeyVerifyErrorRate',
        'LatchkeyCallbackFailures',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const rule of alerts) {
      expect([rule.alert, ['warning', 'critical'].includes(rule.labels.severity)]).toEqual([
        rule.alert,
        true,
      ]);
      expect([rule.alert, typeof rule.annotations.summary]).toEqual([rule.alert, 'string']);
    }
    expect(RULES.kind).toBe('PrometheusRule');
  });

  it('has a dashboard whose panels all query something, with unique ids', () => {
    expect(DASHBOARD.uid).toBe('latchkey-overview');
    const ids = DASHBOARD.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of DASHBOARD.panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, (panel.targets ?? []).length > 0]).toEqual([panel.title, true]);
    }
    const shown = new Set(panelExprs.flatMap(seriesIn));
    for (const name of [
      'latchkey_verifier_verify_duration_seconds',
      'latchkey_verifier_cache_requests_total',
      'latchkey_issuer_outbox_backlog',
      'latchkey_issuer_outbox_lag_seconds',
      'latchkey_kafka_consumer_lag',
      'latchkey_kafka_dead_letters_total',
      'latchkey_worker_queue_jobs',
      'latchkey_worker_callback_deliveries_total',
      'latchkey_worker_mails_total',
    ]) {
      expect([name, shown.has(name)]).toEqual([name, true]);
    }
  });
});
