import { useEffect, useState } from 'react';
import { readUpgradeProgress, watchUpgradeProgress, type UpgradeProgress } from '@/lib/db/upgrade-progress';

/** The schema upgrade running now, if any, as the context running it publishes it (popup and dashboard). */
export function useUpgradeProgress(): UpgradeProgress | undefined {
  const [progress, setProgress] = useState<UpgradeProgress>();
  useEffect(() => {
    let changed = false;
    const stop = watchUpgradeProgress((next) => {
      changed = true;
      setProgress(next);
    });
    // The first read may answer after a newer change: the change wins.
    void readUpgradeProgress().then((first) => changed || setProgress(first));
    return stop;
  }, []);
  return progress;
}
