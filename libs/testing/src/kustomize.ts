import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small renderer for the subset of Kustomize that `k8s/` uses, so CI can render every overlay without
 * a `kustomize` binary. It supports exactly these kustomization fields and refuses every other one, so
 * the manifests cannot start relying on a feature this renderer would silently ignore:
 *
 * - `resources`: YAML files (several documents each) and directories holding a kustomization;
 * - `namespace`: set on every object (only namespaced kinds are accepted);
 * - `images`: `name` with `newName`, `newTag` and/or `digest`, on the containers of pod templates;
 * - `patches`: `path` or inline `patch`, one strategic-merge document that names its target by
 *   apiVersion, kind and name. Maps merge, `null` deletes, lists of containers, env variables and
 *   volumes merge by `name` (as Kustomize does); any other list in a patch is refused.
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Where the renderer reads files; tests pass an in-memory one. */
export interface ManifestFiles {
  read(path: string): string;
  isDirectory(path: string): boolean;
}

export const diskFiles: ManifestFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  isDirectory: (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false,
};

export class UnsupportedKustomization extends Error {
  override name = 'UnsupportedKustomization';
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);
const SUPPORTED_IMAGE_FIELDS = new Set(['name', 'newName', 'newTag', 'digest']);
const SUPPORTED_PATCH_FIELDS = new Set(['path', 'patch']);
/** Lists a patch may contain, merged element by element on this key (Kustomize's merge keys). */
const MERGE_BY_NAME = new Set(['containers', 'initContainers', 'env', 'volumes']);
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseDocuments(text: string, file: string): Json[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    if (!isMap(value)) throw new Error(`${file}: a document is not a map`);
    return [value];
  });
}

function asObject(value: Json, file: string): KubernetesObject {
  const metadata = value.metadata;
  if (
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isMap(metadata) ||
    typeof metadata.name !== 'string'
  ) {
    throw new Error(`${file}: every object needs apiVersion, kind and metadata.name`);
  }
  return value as KubernetesObject;
}

const idOf = (o: KubernetesObject) =>
  `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '~'}/${o.metadata.name}`;

/** Renders the kustomization in `dir` (as `kubectl kustomize dir` would, for the supported subset). */
export function renderKustomization(dir: string, files: ManifestFiles = diskFiles): KubernetesObject[] {
  const file = join(dir, 'kustomization.yaml');
  const [kustomization, ...extra] = parseDocuments(files.read(file), file);
  if (!kustomization || extra.length > 0) throw new Error(`${file}: expected one document`);
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new UnsupportedKustomization(`${file}: field "${field}" is not supported by this renderer`);
    }
  }
  if (kustomization.kind !== 'Kustomization') throw new Error(`${file}: kind must be Kustomization`);

  let objects: KubernetesObject[] = [];
  for (const entry of listOf(kustomization.resources, 'resources', file)) {
    if (typeof entry !== 'string' || /^[a-z]+:\/\//i.test(entry) || entry.includes('?ref=')) {
      throw new UnsupportedKustomization(`${file}: resource ${JSON.stringify(entry)} is not a local path`);
    }
    const path = resolve(dir, entry);
    objects.push(
      ...(files.isDirectory(path)
        ? renderKustomization(path, files)
        : parseDocuments(files.read(path), path).map((doc) => asObject(doc, path))),
    );
  }

  for (const entry of listOf(kustomization.patches, 'patches', file)) {
    objects = applyPatch(objects, entry, dir, file, files);
  }
  if (kustomization.namespace !== undefined) {
    if (typeof kustomization.namespace !== 'string') throw new Error(`${file}: namespace must be a string`);
    for (const o of objects) {
      if (CLUSTER_SCOPED_KINDS.has(o.kind)) {
        throw new UnsupportedKustomization(`${file}: ${o.kind} is cluster-scoped`);
      }
      o.metadata.namespace = kustomization.namespace;
    }
  }
  for (const entry of listOf(kustomization.images, 'images', file)) {
    if (!isMap(entry) || typeof entry.name !== 'string') throw new Error(`${file}: an image needs a name`);
    for (const field of Object.keys(entry)) {
      if (!SUPPORTED_IMAGE_FIELDS.has(field)) {
        throw new UnsupportedKustomization(`${file}: images field "${field}" is not supported`);
      }
    }
    for (const o of objects) setImage(o, entry as unknown as ImageOverride);
  }

  const seen = new Set<string>();
  for (const o of objects) {
    const id = idOf(o);
    if (seen.has(id)) throw new Error(`${file}: two objects are ${id}`);
    seen.add(id);
  }
  return objects;
}

function listOf(value: unknown, field: string, file: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${file}: ${field} must be a list`);
  return value;
}

function applyPatch(
  objects: KubernetesObject[],
  entry: unknown,
  dir: string,
  file: string,
  files: ManifestFiles,
): KubernetesObject[] {
  if (!isMap(entry)) throw new Error(`${file}: a patch must be a map`);
  for (const field of Object.keys(entry)) {
    if (!SUPPORTED_PATCH_FIELDS.has(field)) {
      throw new UnsupportedKustomization(`${file}: patch field "${field}" is not supported`);
    }
  }
  const source = typeof entry.path === 'string' ? resolve(dir, entry.path) : `${file} (inline patch)`;
  const text = typeof entry.path === 'string' ? files.read(source) : entry.patch;
  if (typeof text !== 'string') throw new Error(`${file}: a patch needs a path or a patch`);
  const documents = parseDocuments(text, source);
  if (documents.length !== 1) {
    throw new UnsupportedKustomization(`${source}: a patch must hold exactly one document`);
  }
  const patch = asObject(documents[0], source);
  const matches = objects.filter(
    (o) =>
      o.apiVersion === patch.apiVersion && o.kind === patch.kind && o.metadata.name === patch.metadata.name,
  );
  if (matches.length !== 1) {
    throw new Error(
      `${source}: the patch matches ${matches.length} objects (${patch.kind} ${patch.metadata.name})`,
    );
  }
  return objects.map((o) => (o === matches[0] ? (merge(o, patch, source, '') as KubernetesObject) : o));
}

function merge(base: unknown, patch: unknown, source: string, path: string): unknown {
  if (isMap(patch)) {
    const result: Json = isMap(base) ? { ...base } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new UnsupportedKustomization(`${source}: directive ${key} at ${path}`);
      if (value === null) delete result[key];
      else result[key] = merge(result[key], value, source, `${path}/${key}`);
    }
    return result;
  }
  if (Array.isArray(patch)) {
    const key = path.slice(path.lastIndexOf('/') + 1);
    if (!MERGE_BY_NAME.has(key)) {
      throw new UnsupportedKustomization(
        `${source}: the list at ${path} has no merge key this renderer knows`,
      );
    }
    const result = Array.isArray(base) ? [...(base as unknown[])] : [];
    for (const item of patch) {
      if (!isMap(item) || typeof item.name !== 'string') {
        throw new Error(`${source}: every item of ${path} needs a name`);
      }
      const at = result.findIndex((existing) => isMap(existing) && existing.name === item.name);
      if (at === -1) result.push(item);
      else result[at] = merge(result[at], item, source, `${path}/${item.name}`);
    }
    return result;
  }
  return patch;
}

interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** The containers of every pod template of an object (Deployment, Job, CronJob…). */
export function podSpecsOf(o: KubernetesObject): Json[] {
  const spec = o.spec;
  if (!isMap(spec)) return [];
  const template =
    isMap(spec.jobTemplate) && isMap(spec.jobTemplate.spec) ? spec.jobTemplate.spec.template : spec.template;
  return isMap(template) && isMap(template.spec) ? [template.spec] : [];
}

function setImage(o: KubernetesObject, override: ImageOverride): void {
  for (const pod of podSpecsOf(o)) {
    for (const container of [
      ...listOf(pod.containers, 'containers', ''),
      ...listOf(pod.initContainers, 'initContainers', ''),
    ]) {
      if (!isMap(container) || typeof container.image !== 'string') continue;
      const { name, tag, digest } = parseImage(container.image);
      if (name !== override.name) continue;
      const newName = override.newName ?? name;
      container.image = override.digest
        ? `${newName}@${override.digest}`
        : `${newName}${override.newTag !== undefined ? `:${override.newTag}` : tag ? `:${tag}` : ''}${digest && override.newTag === undefined ? `@${digest}` : ''}`;
    }
  }
}

/** Splits `registry:5000/repo/name:tag@sha256:…` into name, tag and digest. */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@', 2);
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash
    ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest }
    : { name: withoutDigest, digest };
}
