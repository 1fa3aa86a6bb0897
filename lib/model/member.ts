/** Vocabulary shared by the database, the messages and the UI. */

export const AUDIENCES = ['customers', 'employees', 'partners', 'investors', 'other'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const ROLES = ['member', 'customer', 'employee', 'partner', 'investor', 'team'] as const;
export type Role = (typeof ROLES)[number];
