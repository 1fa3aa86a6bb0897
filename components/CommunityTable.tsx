/** Tracked communities at a glance: counts and last activity. Presentational only. */
export interface CommunityRow {
  id: string;
  name: string;
  platform: string;
  url: string;
  memberCount: number;
  postCount: number;
  noteCount: number;
  lastActivity: string;
}

export interface CommunityTableLabels {
  members: string;
  posts: string;
  notes: string;
  lastActivity: string;
  empty: string;
}

export function CommunityTable({ rows, labels }: { rows: readonly CommunityRow[]; labels: CommunityTableLabels }) {
  if (!rows.length) return <p className="empty">{labels.empty}</p>;
  const number = new Intl.NumberFormat();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col" className="num">{labels.members}</th>
          <th scope="col" className="num">{labels.posts}</th>
          <th scope="col" className="num">{labels.notes}</th>
          <th scope="col">{labels.lastActivity}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-community={row.id}>
            <th scope="row">
              <a href={row.url} target="_blank" rel="noreferrer" dir="auto">
                {row.name}
              </a>
              <span className="platform">{row.platform}</span>
            </th>
            <td className="num" data-field="members">{number.format(row.memberCount)}</td>
            <td className="num" data-field="posts">{number.format(row.postCount)}</td>
            <td className="num" data-field="notes">{number.format(row.noteCount)}</td>
            <td data-field="last-activity">{row.lastActivity}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
