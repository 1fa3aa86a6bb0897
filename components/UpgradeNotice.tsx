import { t } from '@/lib/i18n/t';

/**
 * "Kehila is updating its database (45% done)": shown while a schema upgrade runs, since until
 * it is done the popup's and dashboard's figures, and every badge, wait for it.
 */
export function UpgradeNotice({ progress }: { progress: { done: number; total: number } | undefined }) {
  if (!progress) return null;
  return (
    <section className="attention" data-section="upgrade" role="status">
      <p>{t('popupUpgrading', String(Math.floor((progress.done * 100) / progress.total)))}</p>
    </section>
  );
}
