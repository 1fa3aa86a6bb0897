/** The custom-selector rule form: presentational; the dashboard owns the data and actions. */
export const RULE_FIELDS = ['name', 'post', 'author', 'text', 'time', 'permalink'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export type RuleDraft = Record<RuleField, string>;

export interface RuleFormProps {
  draft: RuleDraft;
  labels: Record<RuleField, string>;
  onChange: (field: RuleField, value: string) => void;
}

export function RuleForm({ draft, labels, onChange }: RuleFormProps) {
  return (
    <>
      {RULE_FIELDS.map((field) => (
        <div key={field}>
          <label htmlFor={`rule-${field}`}>{labels[field]}</label>
          <input
            id={`rule-${field}`}
            name={field}
            dir={field === 'name' ? 'auto' : 'ltr'}
            value={draft[field]}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => onChange(field, event.target.value)}
          />
        </div>
      ))}
    </>
  );
}

export interface RuleCheckView {
  ok: boolean;
  summary: string;
  problems: { code: string; message: string; severity: 'error' | 'warning'; label: string }[];
  samples: string[];
}

export function RuleCheckResult({ check }: { check: RuleCheckView }) {
  return (
    <div className="result" role="status" data-ok={check.ok}>
      <strong>{check.summary}</strong>
      {check.problems.length > 0 && (
        <ul>
          {check.problems.map((problem, index) => (
            <li key={`${problem.code}-${index}`} className={`problem-${problem.severity}`} data-code={problem.code}>
              {problem.label}: {problem.message}
            </li>
          ))}
        </ul>
      )}
      {check.samples.length > 0 && (
        <ul>
          {check.samples.map((sample, index) => (
            <li key={index} className="sample" dir="auto">
              {sample}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
