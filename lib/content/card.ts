/**
 * The member card: opened from a badge, it shows that member's notes and tags and lets the
 * manager add, edit and delete notes and add and remove tags. Plain DOM in a shadow root, like
 * the badge: it is small enough that a framework would cost more than it gives, and it loads
 * with nothing extra on first click. Keyboard: focus moves into the card, Tab stays within the
 * page's natural order, Escape closes and returns focus to the badge.
 */
import type { MemberDetail, NoteView } from '@/lib/messages/schema';
import { send } from '@/lib/messages/page-client';
import { formatDate, t, uiDirection, uiLanguage } from '@/lib/i18n/t';
import { CARD_CSS } from './styles';
import { h } from './dom';

export const CARD_TAG = 'kehila-card';

export interface CardTarget {
  memberId: string;
  communityId: string;
  /** The badge button that opened the card: position and focus return. */
  opener: HTMLElement;
}

interface OpenCard {
  target: CardTarget;
  host: HTMLElement;
  refresh(): Promise<void>;
  close(): void;
}

let current: OpenCard | undefined;

/** The member whose card is open, if any. */
export function openCardMember(): string | undefined {
  return current?.target.memberId;
}

/** Re-read the open card's member (after a change made in another tab). */
export function refreshOpenCard(): void {
  void current?.refresh();
}

export function closeCard(): void {
  current?.close();
}

export function openCard(target: CardTarget, signal: AbortSignal): void {
  if (current?.target.opener === target.opener) {
    current.close();
    return;
  }
  current?.close();

  const host = document.createElement(CARD_TAG);
  host.setAttribute('data-kehila-member', target.memberId);
  const root = host.attachShadow({ mode: 'open' });
  const titleId = 'kehila-card-title';
  const card = h('div', { className: 'card', role: 'dialog', 'aria-labelledby': titleId, dir: uiDirection(), lang: uiLanguage() });
  root.append(h('style', {}, CARD_CSS), card);
  document.body.append(host);
  position(host, target.opener);

  let detail: MemberDetail | undefined;
  let error = '';
  let editing: string | undefined;

  // What the manager is typing survives re-renders (a change from another tab refreshes the
  // card); only the field whose content was just saved is cleared.
  const drafts = new Map<string, string>();
  // Field → the text that was saved from it: cleared on the next render unless the manager has
  // typed something else meanwhile.
  const cleared = new Map<string, string>();
  const run = async (action: () => Promise<unknown>, clears?: [field: string, saved: string]) => {
    try {
      error = '';
      await action();
      if (clears) cleared.set(...clears);
      await refresh();
    } catch (cause) {
      error = t('errorGeneric', (cause as Error).message);
      render();
    }
  };

  const refresh = async () => {
    try {
      detail = await send({ type: 'members/get', memberId: target.memberId, communityId: target.communityId });
    } catch (cause) {
      error = t('errorGeneric', (cause as Error).message);
    }
    render();
  };

  const render = () => {
    const focused = root.activeElement as HTMLInputElement | HTMLTextAreaElement | null;
    const focusedKey = focused?.dataset.focusKey;
    const selection = focused && 'selectionStart' in focused ? [focused.selectionStart, focused.selectionEnd] : undefined;
    for (const field of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[data-focus-key], textarea[data-focus-key]')) {
      drafts.set(field.dataset.focusKey!, field.value);
    }
    for (const [key, saved] of cleared) if ((drafts.get(key) ?? '').trim() === saved.trim()) drafts.delete(key);
    cleared.clear();
    card.replaceChildren(...(detail ? renderDetail(detail) : [h('p', { className: 'empty' }, t('cardLoading'))]));
    if (error) card.append(h('p', { className: 'error', role: 'alert' }, error));
    for (const field of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[data-focus-key], textarea[data-focus-key]')) {
      const draft = drafts.get(field.dataset.focusKey!);
      if (draft !== undefined) field.value = draft;
    }
    // Keep the keyboard where it was across re-renders.
    const again = focusedKey ? root.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusedKey)}"]`) : null;
    again?.focus();
    if (again && selection && 'setSelectionRange' in again) (again as HTMLInputElement).setSelectionRange(selection[0] ?? null, selection[1] ?? null);
  };

  const renderDetail = (member: MemberDetail): Node[] => {
    const summary = member.summary;
    const tagInput = h('input', { type: 'text', 'aria-label': t('cardAddTag'), placeholder: t('cardAddTag'), maxlength: 40, dir: 'auto', 'data-focus-key': 'tag-input' });
    const addTag = () => {
      const tag = tagInput.value.trim();
      if (tag) void run(() => send({ type: 'members/tag', memberId: target.memberId, add: [tag] }), ['tag-input', tag]);
    };
    tagInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addTag();
      }
    });
    const noteInput = h('textarea', { 'aria-label': t('cardNewNote'), placeholder: t('cardNewNote'), dir: 'auto', 'data-focus-key': 'note-input' });
    const addNote = () => {
      const body = noteInput.value.trim();
      if (body) void run(() => send({ type: 'notes/add', memberId: target.memberId, communityId: target.communityId, body }), ['note-input', body]);
    };
    noteInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        addNote();
      }
    });

    return [
      h(
        'header',
        {},
        h('div', { style: 'flex:1' }, h('h2', { id: titleId, dir: 'auto' }, member.displayNames[0] ?? summary.name), h('div', { className: 'stats' }, t('cardStats', [String(summary.postCount), formatDate(summary.firstSeenAt), formatDate(summary.lastSeenAt)]))),
        h('button', { type: 'button', className: 'close', 'aria-label': t('cardClose'), title: t('cardClose'), onclick: () => close(), 'data-focus-key': 'close' }, '×'),
      ),
      h('h3', {}, t('cardTags')),
      h(
        'div',
        { className: 'tags', role: 'list' },
        ...(summary.tags.length
          ? summary.tags.map((tag) =>
              h(
                'span',
                { className: 'chip', role: 'listitem', dir: 'auto' },
                tag,
                h('button', { type: 'button', 'aria-label': t('cardRemoveTag', tag), title: t('cardRemoveTag', tag), 'data-focus-key': `untag-${tag}`, onclick: () => void run(() => send({ type: 'members/tag', memberId: target.memberId, remove: [tag] })) }, '×'),
              ),
            )
          : [h('span', { className: 'empty' }, t('cardNoTags'))]),
      ),
      h('div', { className: 'row' }, tagInput, h('button', { type: 'button', onclick: addTag, 'data-focus-key': 'tag-add' }, t('cardAddTag'))),
      h('h3', {}, t('cardNotes')),
      member.notes.length ? h('ul', {}, ...member.notes.map((note) => renderNote(note))) : h('p', { className: 'empty' }, t('cardNoNotes')),
      noteInput,
      h('div', { className: 'row' }, h('button', { type: 'button', className: 'primary', onclick: addNote, 'data-focus-key': 'note-save' }, t('cardSaveNote'))),
    ];
  };

  const renderNote = (note: NoteView): HTMLElement => {
    if (editing === note.id) {
      const input = h('textarea', { 'aria-label': t('cardEdit'), dir: 'auto', 'data-focus-key': `edit-${note.id}` });
      input.value = note.body;
      queueMicrotask(() => input.focus());
      const save = () => {
        editing = undefined;
        cleared.set(`edit-${note.id}`, input.value);
        void run(() => send({ type: 'notes/update', id: note.id, body: input.value }));
      };
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) save();
      });
      return h(
        'li',
        { className: 'note', 'data-note-id': note.id },
        input,
        h('div', { className: 'row' }, h('button', { type: 'button', className: 'primary', onclick: save }, t('cardSave')), h('button', { type: 'button', onclick: () => (cleared.set(`edit-${note.id}`, input.value), (editing = undefined), render()) }, t('cardCancel'))),
      );
    }
    return h(
      'li',
      { className: 'note', 'data-note-id': note.id },
      h('div', { className: 'body', dir: 'auto' }, note.body),
      h(
        'div',
        { className: 'meta' },
        h('span', {}, t('cardNoteBy', [note.author, formatDate(note.updatedAt)])),
        h('button', { type: 'button', className: 'link', 'data-focus-key': `edit-btn-${note.id}`, onclick: () => ((editing = note.id), render()) }, t('cardEdit')),
        h('button', {
          type: 'button',
          className: 'link',
          'data-focus-key': `delete-${note.id}`,
          onclick: () => {
            if (confirm(t('cardDeleteConfirm'))) void run(() => send({ type: 'notes/delete', id: note.id }));
          },
        }, t('cardDelete')),
      ),
    );
  };

  const onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  };
  const onOutside = (event: MouseEvent) => {
    if (!event.composedPath().includes(host) && !event.composedPath().includes(target.opener)) close();
  };
  const close = () => {
    if (current?.host !== host) return;
    current = undefined;
    host.remove();
    document.removeEventListener('keydown', onKeydown, true);
    document.removeEventListener('mousedown', onOutside, true);
    if (target.opener.isConnected) target.opener.focus();
  };
  document.addEventListener('keydown', onKeydown, true);
  document.addEventListener('mousedown', onOutside, true);
  signal.addEventListener('abort', close, { once: true });

  current = { target, host, refresh, close };
  render();
  void refresh().then(() => root.querySelector<HTMLElement>('[data-focus-key="note-input"]')?.focus());
}

/** Below the badge, kept inside the viewport horizontally (either direction). */
function position(host: HTMLElement, opener: HTMLElement): void {
  const rect = opener.getBoundingClientRect();
  const width = Math.min(340, window.innerWidth - 16);
  const left = Math.max(8, Math.min(uiDirection() === 'rtl' ? rect.right - width : rect.left, window.innerWidth - width - 8));
  host.style.top = `${rect.bottom + window.scrollY + 6}px`;
  host.style.left = `${left + window.scrollX}px`;
}
