/** "This site": what Kehila does on the current tab's site, with the action to change it. */
export interface SitePanelProps {
  text: string;
  action?: { label: string; kind: 'track' | 'untrack'; onClick: () => void };
  hint?: string;
  status?: string;
}

export function SitePanel({ text, action, hint, status }: SitePanelProps) {
  return (
    <section className="site" aria-live="polite">
      <p>{text}</p>
      {hint && <p className="empty">{hint}</p>}
      {action && (
        <button type="button" className={action.kind === 'untrack' ? 'secondary' : undefined} onClick={action.onClick} data-action={action.kind}>
          {action.label}
        </button>
      )}
      {status && <p className="status" role="status">{status}</p>}
    </section>
  );
}
