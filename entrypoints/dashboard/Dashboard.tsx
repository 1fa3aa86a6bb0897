import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { RuleCheckResult, RuleForm, type RuleCheckView, type RuleDraft, type RuleField } from '@/components/RuleForm';
import { UpgradeNotice } from '@/components/UpgradeNotice';
import type { RuleCheck } from '@/lib/adapters/custom';
import { formatRelative, t } from '@/lib/i18n/t';
import { send } from '@/lib/messages/client';
import type { ResponseOf } from '@/lib/messages/schema';
import { useUpgradeProgress } from '@/entrypoints/popup/use-upgrade-progress';

type Site = ResponseOf<'sites/list'>[number];
const EMPTY: RuleDraft = { name: '', post: '', author: '', text: '', time: '', permalink: '' };

/** The dashboard: tracked sites, and custom selectors for forums no built-in adapter reads. */
export function Dashboard() {
  const [sites, setSites] = useState<Site[]>();
  const upgrade = useUpgradeProgress();
  const [editing, setEditing] = useState<string | undefined>(() => new URLSearchParams(location.search).get('origin') ?? undefined);
  const reload = useCallback(() => void send({ type: 'sites/list' }).then(setSites), []);
  useEffect(reload, [reload]);

  return (
    <main>
      <h1>{t('dashTitle')}</h1>
      <UpgradeNotice progress={upgrade} />
      <h2>{t('dashSites')}</h2>
      {sites && !sites.length && <p className="empty">{t('dashNoSites')}</p>}
      {sites && sites.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('dashOrigin')}</th>
              <th scope="col">{t('dashAccess')}</th>
              <th scope="col">{t('dashSelectors')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {sites.map((site) => (
              <tr key={site.origin} data-site={site.origin}>
                <th scope="row" dir="ltr">
                  {site.origin}
                  <span className="platform">{formatRelative(site.addedAt)}</span>
                </th>
                <td>{site.granted ? t('dashGranted') : t('dashNotGranted')}</td>
                <td data-field="rule">{site.hasRule ? t('dashHasRule') : t('dashNoRule')}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => setEditing(site.origin)}>
                    {t('dashEdit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && <RuleEditor key={editing} origin={editing} onSaved={reload} />}
    </main>
  );
}

function RuleEditor({ origin, onSaved }: { origin: string; onSaved: () => void }) {
  const [draft, setDraft] = useState<RuleDraft>(EMPTY);
  const [tabs, setTabs] = useState<{ id: number; title: string }[]>([]);
  const [tabId, setTabId] = useState<number>();
  const [check, setCheck] = useState<RuleCheckView>();
  const [testedDraft, setTestedDraft] = useState<string>();
  const [status, setStatus] = useState<string>();

  useEffect(() => {
    void send({ type: 'sites/rule', origin }).then(({ rule }) => {
      if (rule) setDraft({ ...EMPTY, ...Object.fromEntries(Object.entries(rule).filter(([, value]) => typeof value === 'string')) });
    });
    // Kehila holds this site's permission, so it may see which tabs show it.
    void browser.tabs.query({ url: `${origin}/*` }).then((found) => {
      const open = found.flatMap((tab) => (tab.id === undefined ? [] : [{ id: tab.id, title: tab.title || tab.url || String(tab.id) }]));
      setTabs(open);
      setTabId(open[0]?.id);
    });
  }, [origin]);

  const rule = () => ({
    origin,
    ...Object.fromEntries(Object.entries(draft).filter(([, value]) => value.trim() !== '')),
  });

  const test = async () => {
    if (tabId === undefined) return;
    setStatus(undefined);
    try {
      const result = (await browser.tabs.sendMessage(tabId, { type: 'rules/check', rule: rule() })) as RuleCheck | undefined;
      if (!result) throw new Error('the page did not answer; reload it and try again');
      setCheck({
        ok: result.ok,
        summary: t('dashResult', [String(result.posts), String(result.authors)]),
        problems: result.problems.map((problem) => ({
          ...problem,
          label: problem.severity === 'error' ? t('dashProblemError') : t('dashProblemWarning'),
        })),
        samples: result.samples.map((sample) => t('dashSample', [sample.author, sample.text])),
      });
      setTestedDraft(result.ok ? JSON.stringify(draft) : undefined);
    } catch (error) {
      setCheck(undefined);
      setStatus(t('errorGeneric', (error as Error).message));
    }
  };

  const save = async () => {
    try {
      await send({ type: 'sites/save-rule', rule: rule() });
      if (tabId !== undefined) await browser.tabs.reload(tabId);
      setStatus(t('dashSaved'));
      onSaved();
    } catch (error) {
      setStatus(t('errorGeneric', (error as Error).message));
    }
  };

  const remove = async () => {
    await send({ type: 'sites/delete-rule', origin });
    setDraft(EMPTY);
    setCheck(undefined);
    onSaved();
  };

  const canSave = testedDraft !== undefined && testedDraft === JSON.stringify(draft);
  const labels: Record<RuleField, string> = {
    name: t('dashFieldName'),
    post: t('dashFieldPost'),
    author: t('dashFieldAuthor'),
    text: t('dashFieldText'),
    time: t('dashFieldTime'),
    permalink: t('dashFieldPermalink'),
  };

  return (
    <section className="rule" aria-labelledby="rule-title">
      <h2 id="rule-title">{t('dashRuleTitle', origin)}</h2>
      <p className="empty">{t('dashRuleIntro')}</p>
      <RuleForm draft={draft} labels={labels} onChange={(field, value) => setDraft((previous) => ({ ...previous, [field]: value }))} />
      {tabs.length ? (
        <>
          <label htmlFor="rule-tab">{t('dashTestOn')}</label>
          <select id="rule-tab" value={tabId} onChange={(event) => setTabId(Number(event.target.value))}>
            {tabs.map((tab) => (
              <option key={tab.id} value={tab.id}>
                {tab.title}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p className="status">{t('dashNoTabs', origin)}</p>
      )}
      <div className="buttons">
        <button type="button" data-action="test" disabled={tabId === undefined} onClick={() => void test()}>
          {t('dashTest')}
        </button>
        <button type="button" data-action="save" disabled={!canSave} title={canSave ? undefined : t('dashTestFirst')} onClick={() => void save()}>
          {t('dashSave')}
        </button>
        <button type="button" className="secondary" onClick={() => void remove()}>
          {t('dashDeleteRule')}
        </button>
      </div>
      {check && <RuleCheckResult check={check} />}
      {status && (
        <p className="status" role="status">
          {status}
        </p>
      )}
    </section>
  );
}
