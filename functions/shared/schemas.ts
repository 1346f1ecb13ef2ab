import * as z from 'zod';

/** Shapes every resource and list shares. */
export const Timestamps = {
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().min(1).describe('Increases with every change; sent back as the ETag'),
};

/** The version fields of a tenant's setting (approval rules, partner routing), replaced whole. */
export const SettingVersion = {
  version: z
    .number()
    .int()
    .min(0)
    .describe('0: the defaults, never saved by this tenant; sent back as the ETag'),
  updatedAt: z.iso.datetime().optional(),
  updatedBy: z.string().optional().describe('The user who saved this version'),
};

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    nextCursor: z
      .string()
      .optional()
      .describe('Pass as `cursor` to get the next page; absent on the last page'),
  });
}

export const IfMatchHeader = 'If-Match';
