import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
// The manifests must satisfy the apps' own config schemas: this spec loads them as the services do.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadIssuerConfig } from '../../../apps/issuer/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadVerifierConfig } from '../../../apps/verifier/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadWorkerConfig } from '../../../apps/worker/src/config';
import {
  type KubernetesObject,
  type ManifestFiles,
  parseImage,
  podSpecsOf,
  renderKustomization,
  UnsupportedKustomization,
} from './kustomize';

/**
 * Renders every overlay of k8s/ and checks each object against the Kubernetes schemas, then what the
 * schemas cannot say: every variable the apps require is provided, pods are locked down and probed,
 * Services, monitors and policies point at what exists, and the network policies admit only the
 * callers they should.
 */
const REPO = resolve(__dirname, '../../..');
const OVERLAYS = { dev: 'latchkey-dev', production: 'latchkey' } as const;
const SECRET_KEYS_ANNOTATION = 'latchkey.dev/secret-keys';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- rendered YAML is untyped; the schemas check it */
type Obj = KubernetesObject & { spec: any; data?: Record<string, string> };

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Valid stand-ins for the keys of the operator-created Secrets, to load the apps' config with. */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgresql://latchkey@postgres.example:5432/latchkey',
  REDIS_URL: 'redis://redis.example:6379',
  WORKER_REDIS_URL: 'redis://redis.example:6379/1',
  CACHE_SIGNING_KEY: 'c'.repeat(32),
  VERIFIER_DATABASE_PASSWORD: 'v'.repeat(32),
  KAFKA_SASL_USERNAME: 'latchkey',
  KAFKA_SASL_PASSWORD: 'k'.repeat(32),
  SMTP_URL: 'smtps://user:pass@mail.example:465',
  INTERNAL_API_SECRET: 'i'.repeat(32),
  ADMIN_JWT_SECRET: 'a'.repeat(32),
  SIGNING_SECRET_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

/** The environment the images set themselves (`ENV` lines of the Dockerfile's runtime stage). */
const DOCKERFILE = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const IMAGE_ENV: Record<string, string> = Object.fromEntries(
  [
    ...(/^FROM \S+ AS runtime$([\s\S]*?)^FROM /m.exec(DOCKERFILE)?.[1] ?? '').matchAll(/^ENV (\w+)=(\S+)$/gm),
  ].map((m) => [m[1], m[2]]),
);

const byKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: Obj[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const workloads = (objects: Obj[]) => objects.filter((o) => podSpecsOf(o).length > 0);
const containersOf = (o: Obj): any[] =>
  podSpecsOf(o).flatMap((pod) => [...((pod.containers as any[]) ?? [])]);

/** What one container's environment holds: plain values, and the names provided from Secrets. */
function environmentOf(objects: Obj[], workload: Obj, container: any) {
  const values: Record<string, string> = { ...IMAGE_ENV };
  const fromSecrets = new Set<string>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef)
      Object.assign(values, named(objects, 'ConfigMap', source.configMapRef.name).data);
    if (source.secretRef) {
      const keys = workload.metadata.annotations?.[SECRET_KEYS_ANNOTATION];
      if (!keys)
        throw new Error(`${workload.metadata.name}: envFrom a Secret without ${SECRET_KEYS_ANNOTATION}`);
      for (const key of keys.split(',')) fromSecrets.add(key.trim());
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) values[variable.name] = variable.value;
    else if (variable.valueFrom?.secretKeyRef) fromSecrets.add(variable.name);
    else if (variable.valueFrom?.fieldRef)
      values[variable.name] = `field-${variable.valueFrom.fieldRef.fieldPath}`;
    else
      throw new Error(`${workload.metadata.name}: env ${variable.name} has no value this spec understands`);
  }
  const withStandIns: Record<string, string> = { ...values };
  for (const key of fromSecrets) {
    if (!(key in SECRET_STAND_INS)) throw new Error(`no stand-in value for the Secret key ${key}`);
    withStandIns[key] = SECRET_STAND_INS[key];
  }
  return { provided: new Set([...Object.keys(values), ...fromSecrets]), withStandIns };
}

/** The variables a config schema requires: those it reports missing when given nothing. */
function requiredBy(load: (env: Record<string, string>) => unknown): string[] {
  try {
    load({});
  } catch (error) {
    const problems = (error as { problems?: string[] }).problems ?? [];
    return problems.flatMap((p) => /^missing (\w+)/.exec(p)?.[1] ?? []);
  }
  throw new Error('the config loaded from an empty environment: nothing is required?');
}

const APPS = {
  issuer: { load: loadIssuerConfig, deployment: 'latchkey-issuer' },
  verifier: { load: loadVerifierConfig, deployment: 'latchkey-verifier' },
  worker: { load: loadWorkerConfig, deployment: 'latchkey-worker' },
} as const;

/**
 * Whether the NetworkPolicies of a namespace admit a TCP connection to `port` of a pod with
 * `target` labels, from a pod with `source` labels in a namespace with `sourceNamespace` labels.
 */
function admitted(
  objects: Obj[],
  target: Record<string, string>,
  port: number,
  source: { pod: Record<string, string>; namespace: Record<string, string>; sameNamespace: boolean },
): boolean {
  const policies = byKind(objects, 'NetworkPolicy').filter(
    (p) =>
      matches(p.spec.podSelector.matchLabels ?? {}, target) &&
      (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (policies.length === 0) return true;
  return policies.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: any) => {
      const portOk =
        !rule.ports || rule.ports.some((p: any) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
      const peerOk =
        !rule.from ||
        rule.from.some((peer: any) => {
          if (peer.ipBlock) return false;
          const nsOk = peer.namespaceSelector
            ? matches(peer.namespaceSelector.matchLabels ?? {}, source.namespace)
            : source.sameNamespace;
          const podOk = peer.podSelector ? matches(peer.podSelector.matchLabels ?? {}, source.pod) : true;
          return nsOk && podOk;
        });
      return portOk && peerOk;
    }),
  );
}

const podLabels = (objects: Obj[], deployment: string) =>
  named(objects, 'Deployment', deployment).spec.template.metadata.labels as Record<string, string>;

describe.each(Object.entries(OVERLAYS))('k8s/overlays/%s', (overlay, namespace) => {
  const objects = renderKustomization(join(REPO, 'k8s/overlays', overlay)) as Obj[];

  it('renders the three services, the migration Job and what surrounds them', () => {
    const names = (kind: string) =>
      byKind(objects, kind)
        .map((o) => o.metadata.name)
        .sort();
    expect(names('Deployment')).toEqual(['latchkey-issuer', 'latchkey-verifier', 'latchkey-worker']);
    expect(names('Job')).toEqual(['latchkey-migrate']);
    expect(names('Service')).toEqual(['latchkey-issuer', 'latchkey-verifier', 'latchkey-worker']);
    expect(names('ServiceMonitor')).toEqual(['latchkey-issuer', 'latchkey-verifier', 'latchkey-worker']);
    expect(names('PrometheusRule')).toEqual(['latchkey']);
    expect(names('PodDisruptionBudget')).toEqual(['latchkey-verifier']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['latchkey-verifier']);
    expect(names('Secret')).toEqual([]); // the operator creates them; no value is committed
    expect(objects.every((o) => o.metadata.namespace === namespace)).toBe(true);
  });

  it('validates every object against its Kubernetes (or Prometheus Operator CRD) schema', () => {
    const problems = objects.flatMap((o) => {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      if (!Model) return [`${o.apiVersion} ${o.kind} ${o.metadata.name}: no schema to validate against`];
      try {
        new Model(o as never).validate();
        return [];
      } catch (error) {
        return [`${o.kind} ${o.metadata.name}: ${(error as Error).message}`];
      }
    });
    expect(problems).toEqual([]);
  });

  it.each(Object.entries(APPS))(
    'provides every variable the %s config requires, and the config loads',
    (_, app) => {
      const deployment = named(objects, 'Deployment', app.deployment);
      const [container] = containersOf(deployment);
      const { provided, withStandIns } = environmentOf(objects, deployment, container);
      const required = requiredBy(app.load);
      expect(required.length).toBeGreaterThan(0);
      expect(required.filter((name) => !provided.has(name))).toEqual([]);
      // Every plain value (ConfigMap, env) passes the schema, and alternatives such as the issuer's
      // ADMIN_JWKS_URL-or-ADMIN_JWT_SECRET are satisfied.
      expect(() => app.load(withStandIns)).not.toThrow();
    },
  );

  it('gives the migration Job the DATABASE_URL the migrate command requires', () => {
    const job = named(objects, 'Job', 'latchkey-migrate');
    const { provided } = environmentOf(objects, job, containersOf(job)[0]);
    expect([...provided]).toContain('DATABASE_URL');
  });

  it('runs every container from a Dockerfile target, non-root, on a read-only root filesystem with /tmp', () => {
    const targets = new Set([...DOCKERFILE.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
    const problems = workloads(objects).flatMap((o) => {
      const [pod] = podSpecsOf(o) as any[];
      const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
      return containersOf(o).flatMap((c) => {
        const where = `${o.metadata.name}/${c.name}`;
        const security = { ...pod.securityContext, ...c.securityContext };
        const { name, tag } = parseImage(c.image);
        const tmp = (c.volumeMounts ?? []).find((m: any) => m.mountPath === '/tmp');
        return [
          !targets.has(name.slice(name.lastIndexOf('/') + 1)) &&
            `${where}: image ${c.image} is no Dockerfile target`,
          (!tag || tag === 'latest') && `${where}: image ${c.image} has no fixed tag`,
          security.runAsNonRoot !== true && `${where}: runAsNonRoot is not true`,
          (security.runAsUser === undefined || security.runAsUser === 0) && `${where}: no non-root runAsUser`,
          c.securityContext?.readOnlyRootFilesystem !== true && `${where}: root filesystem is writable`,
          c.securityContext?.allowPrivilegeEscalation !== false && `${where}: privilege escalation allowed`,
          !c.securityContext?.capabilities?.drop?.includes('ALL') && `${where}: capabilities not dropped`,
          !(tmp && volumes.get(tmp.name)?.emptyDir) && `${where}: /tmp is not an emptyDir`,
          !['cpu', 'memory'].every((r) => c.resources?.requests?.[r] && c.resources?.limits?.[r]) &&
            `${where}: cpu and memory requests and limits are not all set`,
        ].filter((p): p is string => typeof p === 'string');
      });
    });
    expect(problems).toEqual([]);
  });

  it('probes every Deployment: liveness on /health (gRPC health for the verifier), readiness on /ready', () => {
    const problems = byKind(objects, 'Deployment').flatMap((o) =>
      containersOf(o).flatMap((c) => {
        const ports = new Map<string | number, number>(
          (c.ports ?? []).flatMap((p: any) => [
            [p.name, p.containerPort],
            [p.containerPort, p.containerPort],
          ]),
        );
        const probe = (kind: string, p: any): string[] => {
          if (!p) return [`${o.metadata.name}: no ${kind}`];
          if (p.grpc)
            return ports.has(p.grpc.port) ? [] : [`${o.metadata.name}: ${kind} on an undeclared port`];
          if (!p.httpGet || !ports.has(p.httpGet.port))
            return [`${o.metadata.name}: ${kind} is no HTTP probe on a declared port`];
          return [];
        };
        const verifier = o.metadata.name === 'latchkey-verifier';
        return [
          ...probe('livenessProbe', c.livenessProbe),
          ...probe('readinessProbe', c.readinessProbe),
          ...(verifier
            ? c.livenessProbe?.grpc?.port === 50051
              ? []
              : [`${o.metadata.name}: liveness is not gRPC health on 50051`]
            : c.livenessProbe?.httpGet?.path === '/health'
              ? []
              : [`${o.metadata.name}: liveness is not /health`]),
          ...(c.readinessProbe?.httpGet?.path === '/ready'
            ? []
            : [`${o.metadata.name}: readiness is not /ready`]),
        ];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('gives each service a termination grace period that covers its drain', () => {
    const env = (name: string) => {
      const d = named(objects, 'Deployment', name);
      return environmentOf(objects, d, containersOf(d)[0]).withStandIns;
    };
    const graceMs = (name: string) => {
      const d = named(objects, 'Deployment', name);
      const preStop = containersOf(d)[0].lifecycle?.preStop?.exec?.command;
      const pauseS = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
      return (d.spec.template.spec.terminationGracePeriodSeconds - pauseS) * 1000;
    };
    // The issuer's longest step: one outbox batch transaction; the worker's: one callback attempt.
    expect(graceMs('latchkey-issuer')).toBeGreaterThan(
      loadIssuerConfig(env('latchkey-issuer')).OUTBOX_PUBLISH_TRANSACTION_TIMEOUT_MS,
    );
    const worker = loadWorkerConfig(env('latchkey-worker'));
    expect(graceMs('latchkey-worker')).toBeGreaterThan(
      worker.CALLBACK_TIMEOUT_MS + worker.ISSUER_REQUEST_TIMEOUT_MS,
    );
    // The verifier's last usage flush is one Kafka send (the client's request timeout, 30 s).
    expect(graceMs('latchkey-verifier')).toBeGreaterThanOrEqual(30_000);
  });

  it('routes every Service and ServiceMonitor to ports that exist', () => {
    const problems: string[] = [];
    for (const service of byKind(objects, 'Service')) {
      const targets = byKind(objects, 'Deployment').filter((d) =>
        matches(service.spec.selector, d.spec.template.metadata.labels),
      );
      if (targets.length !== 1)
        problems.push(`Service ${service.metadata.name} selects ${targets.length} Deployments`);
      const containerPorts = targets.flatMap((d) => containersOf(d).flatMap((c) => c.ports ?? []));
      for (const port of service.spec.ports) {
        if (
          !containerPorts.some((p: any) => p.name === port.targetPort || p.containerPort === port.targetPort)
        ) {
          problems.push(
            `Service ${service.metadata.name}: targetPort ${port.targetPort} is no container port`,
          );
        }
      }
    }
    for (const monitor of byKind(objects, 'ServiceMonitor')) {
      const services = byKind(objects, 'Service').filter((s) =>
        matches(monitor.spec.selector.matchLabels, s.metadata.labels),
      );
      if (services.length !== 1)
        problems.push(`ServiceMonitor ${monitor.metadata.name} selects ${services.length} Services`);
      for (const endpoint of monitor.spec.endpoints) {
        if (!services.some((s) => s.spec.ports.some((p: any) => p.name === endpoint.port))) {
          problems.push(`ServiceMonitor ${monitor.metadata.name}: port ${endpoint.port} is no Service port`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('points the worker at the issuer Service for the internal API', () => {
    const worker = named(objects, 'Deployment', 'latchkey-worker');
    const url = new URL(
      environmentOf(objects, worker, containersOf(worker)[0]).withStandIns.ISSUER_INTERNAL_URL,
    );
    const service = named(objects, 'Service', url.hostname.split('.')[0]);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'latchkey-issuer' });
    // Service port -> container port -> the port and interface the issuer's internal API listens on.
    const servicePort = service.spec.ports.find((p: any) => p.port === Number(url.port));
    const issuer = named(objects, 'Deployment', 'latchkey-issuer');
    const [container] = containersOf(issuer);
    const containerPort = container.ports.find(
      (p: any) => p.name === servicePort?.targetPort || p.containerPort === servicePort?.targetPort,
    );
    const config = loadIssuerConfig(environmentOf(objects, issuer, container).withStandIns);
    expect(containerPort?.containerPort).toBe(config.INTERNAL_PORT);
    expect(config.INTERNAL_HOST).not.toMatch(/^(127\.|localhost$|::1$)/);
  });

  it('scales the verifier with an HPA and bounds its disruptions with a PDB', () => {
    const verifier = named(objects, 'Deployment', 'latchkey-verifier');
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'latchkey-verifier');
    const pdb = named(objects, 'PodDisruptionBudget', 'latchkey-verifier');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'latchkey-verifier',
    });
    expect(verifier.spec.replicas).toBeUndefined(); // the HPA owns the count
    expect(matches(pdb.spec.selector.matchLabels, verifier.spec.template.metadata.labels)).toBe(true);
    expect(pdb.spec.maxUnavailable ?? 0).toBeLessThan(hpa.spec.minReplicas + 1);
  });

  it('admits only the intended callers through the NetworkPolicies', () => {
    const issuer = podLabels(objects, 'latchkey-issuer');
    const verifier = podLabels(objects, 'latchkey-verifier');
    const worker = podLabels(objects, 'latchkey-worker');
    const migrate = named(objects, 'Job', 'latchkey-migrate').spec.template.metadata.labels;
    const here = (pod: Record<string, string>) => ({ pod, namespace: {}, sameNamespace: true });
    const from = (namespaceLabels: Record<string, string>) => ({
      pod: {},
      namespace: namespaceLabels,
      sameNamespace: false,
    });
    const verifierClient = from({ 'latchkey.dev/verifier-client': 'true' });
    const issuerClient = from({ 'latchkey.dev/issuer-client': 'true' });
    const prometheus = from({ 'latchkey.dev/metrics-scraper': 'true' });
    const stranger = from({ 'kubernetes.io/metadata.name': 'elsewhere' });
    const neighbour = here({ app: 'something-else' });

    // The issuer's internal API (3003): the worker and nobody else.
    expect(admitted(objects, issuer, 3003, here(worker))).toBe(true);
    for (const caller of [here(verifier), neighbour, issuerClient, verifierClient, prometheus, stranger]) {
      expect(admitted(objects, issuer, 3003, caller)).toBe(false);
    }
    // Its admin API (3000): labelled client namespaces, not the pods beside it.
    expect(admitted(objects, issuer, 3000, issuerClient)).toBe(true);
    for (const caller of [here(worker), here(verifier), neighbour, verifierClient, stranger]) {
      expect(admitted(objects, issuer, 3000, caller)).toBe(false);
    }
    // Verifiers: from labelled client namespaces only, on both transports.
    expect(admitted(objects, verifier, 50051, verifierClient)).toBe(true);
    expect(admitted(objects, verifier, 3001, verifierClient)).toBe(true);
    for (const caller of [stranger, neighbour, issuerClient, here(issuer), here(worker)]) {
      expect(admitted(objects, verifier, 50051, caller)).toBe(false);
    }
    expect(admitted(objects, verifier, 50051, prometheus)).toBe(false);
    // The worker serves only health and metrics: Prometheus, nobody else.
    for (const caller of [here(issuer), here(verifier), neighbour, verifierClient, issuerClient]) {
      expect(admitted(objects, worker, 3002, caller)).toBe(false);
    }
    // Prometheus scrapes each service's HTTP port; the migration Job takes no connection at all.
    expect([
      admitted(objects, issuer, 3000, prometheus),
      admitted(objects, verifier, 3001, prometheus),
      admitted(objects, worker, 3002, prometheus),
    ]).toEqual([true, true, true]);
    expect(admitted(objects, migrate, 3003, here(worker))).toBe(false);
  });
});

describe('the kustomize-subset renderer', () => {
  const memory = (tree: Record<string, string>): ManifestFiles => ({
    read: (path) => {
      const text = tree[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
    isDirectory: (path) => Object.keys(tree).some((file) => file.startsWith(`${path}/`)),
  });
  const deployment = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: app }',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - { name: app, image: latchkey/issuer, env: [{ name: A, value: "1" }], ports: [{ containerPort: 1 }] }',
  ].join('\n');
  const render = (kustomization: string, extra: Record<string, string> = {}) =>
    renderKustomization(
      '/k/overlay',
      memory({
        '/k/base/app.yaml': deployment,
        '/k/base/kustomization.yaml': 'kind: Kustomization\nresources: [app.yaml]',
        '/k/overlay/kustomization.yaml': kustomization,
        ...extra,
      }),
    );

  it('applies namespace, images and strategic-merge patches the way Kustomize does', () => {
    const [app] = render(
      [
        'kind: Kustomization',
        'namespace: ns',
        'resources: [../base]',
        'images: [{ name: latchkey/issuer, newName: reg/issuer, newTag: "1.2" }]',
        'patches: [{ path: p.yaml }]',
      ].join('\n'),
      {
        '/k/overlay/p.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - { name: app, env: [{ name: B, value: "2" }] }',
      },
    ) as Obj[];
    expect(app.metadata.namespace).toBe('ns');
    expect(app.spec.replicas).toBe(3);
    expect(app.spec.template.spec.containers).toEqual([
      {
        name: 'app',
        image: 'reg/issuer:1.2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 1 }],
      },
    ]);
  });

  it.each([
    'commonLabels: { a: b }',
    'configMapGenerator: []',
    'secretGenerator: []',
    'components: []',
    'replicas: []',
    'patchesStrategicMerge: []',
  ])('refuses a kustomization field it does not implement: %s', (field) => {
    expect(() => render(`kind: Kustomization\nresources: [../base]\n${field}`)).toThrow(
      UnsupportedKustomization,
    );
  });

  it('refuses patches it would get wrong, and a patch that matches nothing', () => {
    const withPatch =
      (patch: string, entry = '{ path: p.yaml }') =>
      () =>
        render(`kind: Kustomization\nresources: [../base]\npatches: [${entry}]`, {
          '/k/overlay/p.yaml': patch,
        });
    const ports =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec: { template: { spec: { containers: [{ name: app, ports: [{ containerPort: 2 }] }] } } }';
    expect(withPatch(ports)).toThrow(UnsupportedKustomization);
    expect(
      withPatch('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\n$patch: delete'),
    ).toThrow(UnsupportedKustomization);
    expect(
      withPatch(
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }',
        '{ path: p.yaml, target: { kind: Deployment } }',
      ),
    ).toThrow(UnsupportedKustomization);
    expect(
      withPatch('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: other }\nspec: { replicas: 1 }'),
    ).toThrow(/matches 0 objects/);
    expect(() => render('kind: Kustomization\nresources: [https://example.com/x]')).toThrow(
      UnsupportedKustomization,
    );
  });
});
