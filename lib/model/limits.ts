/**
 * Limits shared by the adapters and the schemas, in a module without zod: the adapters run in
 * every page Kehila reads, and importing them from observed.ts would load zod there too.
 */

/** Longest post text kept; the rest is dropped (DESIGN: text is capped). */
export const MAX_TEXT_LENGTH = 4000;
