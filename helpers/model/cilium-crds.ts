/**
 * The Cilium resources a user applies, as zod schemas with the upstream CRD ranges.
 * Fields that exist upstream but that the emulated node cannot reproduce are accepted by
 * the schema and then rejected by `notEmulated` with an explicit "not emulated" message,
 * so a user never wonders whether a setting took effect.
 */
import { z } from 'zod';
import { CILIUM_WELL_KNOWN, LARGE_COMMUNITY, STANDARD_COMMUNITY } from './cilium-attributes.js';
import { labelSelectorSchema } from './label-selector.js';
import { metadataShape } from './k8s-metadata.js';

const metadata = z.object(metadataShape).strict();

const ciliumApi = z.enum(['cilium.io/v2', 'cilium.io/v2alpha1']);

/**
 * Cilium's defaults for a CiliumBGPPeerConfig: the `default:` of each field in the CRD
 * (ciliumbgppeerconfigs.yaml, v2 and v2alpha1), which the API server fills in when the
 * field's parent object is present, and SetDefaults in the v2 API types when it is not.
 */
export const CILIUM_DEFAULTS = {
  peerPort: 179,
  connectRetryTimeSeconds: 120,
  holdTimeSeconds: 90,
  keepAliveTimeSeconds: 30,
  restartTimeSeconds: 120,
  ebgpMultihop: 1,
} as const;

export const ipPoolSchema = z
  .object({
    apiVersion: ciliumApi,
    kind: z.literal('CiliumLoadBalancerIPPool'),
    metadata,
    spec: z
      .object({
        blocks: z
          .array(
            z
              .object({ cidr: z.string().optional(), start: z.string().optional(), stop: z.string().optional() })
              .strict(),
          )
          .min(1),
        serviceSelector: labelSelectorSchema.optional(),
        allowFirstLastIPs: z.enum(['Yes', 'No']).optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

export const peerConfigSchema = z
  .object({
    apiVersion: ciliumApi,
    kind: z.literal('CiliumBGPPeerConfig'),
    metadata,
    spec: z
      .object({
        transport: z
          .object({ peerPort: z.number().int().min(1).max(65535).optional() })
          .strict()
          .optional(),
        timers: z
          .object({
            connectRetryTimeSeconds: z.number().int().min(1).max(2147483647).optional(),
            holdTimeSeconds: z.number().int().min(3).max(65535).optional(),
            keepAliveTimeSeconds: z.number().int().min(1).max(65535).optional(),
          })
          .strict()
          .optional(),
        authSecretRef: z.string().optional(),
        gracefulRestart: z
          .object({
            enabled: z.boolean(),
            restartTimeSeconds: z.number().int().min(1).max(4095).optional(),
          })
          .strict()
          .optional(),
        ebgpMultihop: z.number().int().min(1).max(255).optional(),
        families: z
          .array(
            z
              .object({
                afi: z.enum(['ipv4', 'ipv6', 'l2vpn', 'ls', 'opaque']),
                safi: z.enum([
                  'unicast',
                  'multicast',
                  'mpls_label',
                  'encapsulation',
                  'vpls',
                  'evpn',
                  'ls',
                  'sr_policy',
                  'mup',
                  'mpls_vpn',
                  'mpls_vpn_multicast',
                  'route_target_constraints',
                  'flowspec_unicast',
                  'flowspec_vpn',
                  'key_value',
                ]),
                advertisements: labelSelectorSchema.optional(),
              })
              .strict(),
          )
          .optional(),
      })
      .strict()
      .superRefine((s, ctx) => {
        // The API server fills the CRD defaults into a present `timers` (keepalive 30, hold
        // 90) before it evaluates the CRD's rule self.keepAliveTimeSeconds <=
        // self.holdTimeSeconds, so an unset keepalive with hold 9 is refused: compare the
        // values Kubernetes would store, not only the ones written.
        const t = s.timers;
        if (!t) return;
        const keepalive = t.keepAliveTimeSeconds ?? CILIUM_DEFAULTS.keepAliveTimeSeconds;
        const hold = t.holdTimeSeconds ?? CILIUM_DEFAULTS.holdTimeSeconds;
        if (keepalive <= hold) return;
        const rule = '(the CRD requires keepAliveTimeSeconds <= holdTimeSeconds)';
        const message =
          t.keepAliveTimeSeconds === undefined
            ? `unset, so Kubernetes applies the CRD default ${keepalive}, which exceeds holdTimeSeconds ${hold} ${rule}`
            : t.holdTimeSeconds === undefined
              ? `${keepalive} exceeds holdTimeSeconds, which is unset, so Kubernetes applies the CRD default ${hold} ${rule}`
              : 'keepAliveTimeSeconds must not exceed holdTimeSeconds';
        ctx.addIssue({ code: 'custom', message, path: ['timers', 'keepAliveTimeSeconds'] });
      }),
  })
  .strict();

const u32 = (s: string) => s.split(':').every((x) => Number(x) <= 4294967295);
/** BGPAttributes (./cilium-attributes.ts says where it was read). */
const attributesSchema = z
  .object({
    communities: z
      .object({
        standard: z
          .array(
            z
              .string()
              .regex(STANDARD_COMMUNITY, 'a standard community is AA:NN (each 0-65535) or one 32-bit decimal')
              .refine(u32, 'a 32-bit community is at most 4294967295'),
          )
          .optional(),
        wellKnown: z.array(z.enum(Object.keys(CILIUM_WELL_KNOWN) as [string, ...string[]])).optional(),
        large: z
          .array(
            z
              .string()
              .regex(LARGE_COMMUNITY, 'a large community is three 32-bit decimals, A:B:C')
              .refine(u32, 'each part of a large community is at most 4294967295'),
          )
          .optional(),
      })
      .strict()
      .optional(),
    localPreference: z.number().int().min(0).max(4294967295).optional(),
  })
  .strict();

export const advertisementSchema = z
  .object({
    apiVersion: ciliumApi,
    kind: z.literal('CiliumBGPAdvertisement'),
    metadata,
    spec: z
      .object({
        advertisements: z
          .array(
            z
              .object({
                advertisementType: z.enum(['PodCIDR', 'CiliumPodIPPool', 'Service', 'Interface']),
                service: z
                  .object({
                    addresses: z.array(z.enum(['LoadBalancerIP', 'ClusterIP', 'ExternalIP'])).min(1),
                    aggregationLengthIPv4: z.number().int().min(0).max(31).optional(),
                    aggregationLengthIPv6: z.number().int().min(0).max(127).optional(),
                  })
                  .strict()
                  .optional(),
                selector: labelSelectorSchema.optional(),
                attributes: attributesSchema.optional(),
                interface: z.record(z.string(), z.unknown()).optional(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

export const clusterConfigSchema = z
  .object({
    apiVersion: ciliumApi,
    kind: z.literal('CiliumBGPClusterConfig'),
    metadata,
    spec: z
      .object({
        nodeSelector: labelSelectorSchema.optional(),
        bgpInstances: z
          .array(
            z
              .object({
                name: z.string().min(1).max(255),
                localASN: z.number().int().min(1).max(4294967295).optional(),
                localPort: z.number().int().min(1).max(65535).optional(),
                peers: z
                  .array(
                    z
                      .object({
                        name: z.string().min(1).max(255),
                        peerAddress: z.string().optional(),
                        peerASN: z.number().int().min(0).max(4294967295).optional(),
                        autoDiscovery: z.record(z.string(), z.unknown()).optional(),
                        peerConfigRef: z
                          .object({ name: z.string().min(1) })
                          .strict()
                          .optional(),
                      })
                      .strict(),
                  )
                  .optional(),
              })
              .strict(),
          )
          .min(1)
          .max(16),
      })
      .strict(),
  })
  .strict();

export type IpPool = z.infer<typeof ipPoolSchema>;
export type PeerConfig = z.infer<typeof peerConfigSchema>;
export type Advertisement = z.infer<typeof advertisementSchema>;
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** Kinds from the BGP/LB-IPAM family that exist upstream but that anycast-verify does not emulate. */
export const UNSUPPORTED_CILIUM_KINDS = [
  'CiliumBGPPeeringPolicy',
  'CiliumBGPNodeConfigOverride',
  'CiliumBGPNodeConfig',
  'CiliumPodIPPool',
  'CiliumL2AnnouncementPolicy',
];
