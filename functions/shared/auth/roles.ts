/** The roles of docs/design.md §6. In Cognito each is a user-pool group of the same name. */
export const ROLES = ['admin', 'sales', 'approver', 'fulfilment', 'analyst', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
