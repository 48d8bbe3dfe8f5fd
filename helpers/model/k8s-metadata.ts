/** The metadata fields every manifest is read for (name, namespace, labels, annotations). */
import { z } from 'zod';

export const metadataShape = {
  name: z.string().min(1),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
};
