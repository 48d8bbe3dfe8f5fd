/**
 * The plain Kubernetes objects of the fixtures (Namespace, Secret, ConfigMap, Deployment,
 * Service). Only the fields the emulation reads are typed; the rest passes through, since
 * the real lab applies the objects as they are.
 */
import { z } from 'zod';
import { metadataShape } from './k8s-metadata.js';

// Plain Kubernetes objects keep any other metadata (finalizers, ownerReferences, ...).
const metadata = z.object(metadataShape).passthrough();

/**
 * A Secret's `data` value as the API server decodes it: Go's base64.StdEncoding (padded,
 * standard alphabet; CR and LF skipped). Node's Buffer.from(s, 'base64') accepts anything,
 * so a plain-text value would otherwise be silently decoded into some other bytes.
 */
export function isStdBase64(s: string): boolean {
  const t = s.replace(/[\r\n]/g, '');
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
}

export const secretSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata,
    type: z.string().optional(),
    data: z
      .record(
        z.string(),
        z
          .string()
          .refine(
            isStdBase64,
            'not valid base64 (Kubernetes decodes data values as standard base64; put plain text under stringData)',
          ),
      )
      .optional(),
    stringData: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const configMapSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata,
    data: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const namespaceSchema = z
  .object({ apiVersion: z.literal('v1'), kind: z.literal('Namespace'), metadata })
  .strict();

const envVar = z
  .object({
    name: z.string(),
    value: z.string().optional(),
    valueFrom: z
      .object({
        configMapKeyRef: z
          .object({ name: z.string(), key: z.string(), optional: z.boolean().optional() })
          .strict()
          .optional(),
        fieldRef: z.object({ fieldPath: z.string(), apiVersion: z.string().optional() }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const container = z
  .object({
    name: z.string(),
    image: z.string(),
    args: z.array(z.string()).optional(),
    ports: z
      .array(
        z
          .object({ name: z.string().optional(), containerPort: z.number().int(), protocol: z.string().optional() })
          .strict(),
      )
      .optional(),
    env: z.array(envVar).optional(),
    /** What decides the pod's readiness, which decides (externalTrafficPolicy Local) which nodes advertise. */
    readinessProbe: z
      .object({
        httpGet: z
          .object({
            path: z.string().optional(),
            port: z.union([z.number().int(), z.string()]),
            scheme: z.string().optional(),
          })
          .passthrough()
          .optional(),
        tcpSocket: z
          .object({ port: z.union([z.number().int(), z.string()]) })
          .passthrough()
          .optional(),
        exec: z.unknown().optional(),
        grpc: z.unknown().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const deploymentSchema = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata,
    spec: z
      .object({
        replicas: z.number().int().min(0).optional(),
        selector: z.object({ matchLabels: z.record(z.string(), z.string()) }).passthrough(),
        template: z.object({
          metadata: z.object({ labels: z.record(z.string(), z.string()) }).passthrough(),
          spec: z.object({ containers: z.array(container).min(1) }).passthrough(),
        }),
      })
      .passthrough(),
  })
  .strict();

export const serviceSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Service'),
    metadata,
    spec: z
      .object({
        type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
        loadBalancerClass: z.string().optional(),
        loadBalancerIP: z.string().optional(),
        externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
        selector: z.record(z.string(), z.string()).optional(),
        ports: z
          .array(
            z
              .object({
                name: z.string().optional(),
                port: z.number().int(),
                targetPort: z.union([z.number().int(), z.string()]).optional(),
                protocol: z.string().optional(),
              })
              .strict(),
          )
          .min(1),
      })
      .passthrough(),
  })
  .strict();

export type Secret = z.infer<typeof secretSchema>;
export type ConfigMap = z.infer<typeof configMapSchema>;
export type Deployment = z.infer<typeof deploymentSchema>;
export type Service = z.infer<typeof serviceSchema>;
