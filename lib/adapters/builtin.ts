import { adapters } from './index';

/** Match patterns of every site built into the manifest (adapters with fixed hosts). */
export function builtInMatches(): string[] {
  return [...new Set(adapters.flatMap((adapter) => adapter.matches))];
}
