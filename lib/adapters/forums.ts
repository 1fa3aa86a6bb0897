import { discourse } from './discourse';
import { generic } from './generic';
import { phpbb } from './phpbb';
import type { SiteAdapter } from './types';
import { vbulletin } from './vbulletin';
import { xenforo } from './xenforo';

/**
 * Forum software that runs on any domain, recognised by markup once the user tracks a site;
 * the schema.org reader last, as the fallback.
 */
export const forumAdapters: readonly SiteAdapter[] = [discourse, phpbb, xenforo, vbulletin, generic];
