/**
 * Styles for Kehila's shadow roots. The site's CSS cannot reach into them and ours cannot leak
 * out; `all: initial` on the host stops inherited site styles (line-height, direction, colour).
 */

/**
 * The badge's host is exactly one line of the site's text high, at the top of the line: a badge
 * never makes a line taller, so drawing one moves nothing below it (no layout shift, and no
 * repaint of the rest of a long thread). The button is centred in it and may overflow a very
 * tight line.
 */
export const BADGE_CSS = `
:host {
  all: initial; font: inherit; display: inline-flex; align-items: center;
  vertical-align: top; height: 1lh; margin-inline-start: 6px;
}
button {
  all: unset; box-sizing: border-box; cursor: pointer;
  display: inline-flex; align-items: center; gap: 4px;
  font: 600 11px/16px system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
  color: #21405e; background: #e5eef7; border: 1px solid #b8cde2; border-radius: 9px;
  padding: 0 7px; white-space: nowrap; max-width: 22em; overflow: hidden; text-overflow: ellipsis;
}
button:hover { background: #d6e4f2; }
button:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
.notes { color: #7a4b00; }
.tag { font-weight: 500; color: #3d3d6b; }
`;

export const CARD_CSS = `
:host { all: initial; position: absolute; z-index: 2147483646; }
* { box-sizing: border-box; }
.card {
  width: 340px; max-width: calc(100vw - 16px); max-height: 70vh; overflow: auto;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1d2733;
  background: #fff; border: 1px solid #c9d3dd; border-radius: 10px;
  box-shadow: 0 8px 28px rgba(20, 35, 55, .22); padding: 12px 14px;
}
header { display: flex; align-items: flex-start; gap: 8px; }
h2 { font-size: 15px; margin: 0; flex: 1; overflow-wrap: anywhere; }
h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #5b6875; margin: 14px 0 6px; }
.stats { color: #5b6875; font-size: 12px; margin-top: 2px; }
button {
  font: inherit; font-size: 12px; cursor: pointer; border-radius: 6px;
  border: 1px solid #b8c4cf; background: #f5f7f9; color: #1d2733; padding: 3px 9px;
}
button:hover { background: #e9eef2; }
button.primary { background: #1a5fb4; border-color: #1a5fb4; color: #fff; }
button.primary:hover { background: #164f96; }
button.link { border: none; background: none; color: #1a5fb4; padding: 2px 4px; }
button.close { border: none; background: none; font-size: 18px; line-height: 1; padding: 0 4px; color: #5b6875; }
:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
.tags { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.chip { display: inline-flex; align-items: center; gap: 2px; background: #eef0fb; color: #2f3470; border-radius: 12px; padding: 1px 4px 1px 9px; }
.chip button { border: none; background: none; padding: 0 4px; color: #5b5f8f; font-size: 14px; line-height: 1; }
.row { display: flex; gap: 6px; margin-top: 6px; }
input, textarea {
  font: inherit; color: inherit; border: 1px solid #b8c4cf; border-radius: 6px; padding: 4px 7px; background: #fff;
}
input { flex: 1; min-width: 0; }
textarea { width: 100%; min-height: 56px; resize: vertical; }
ul { list-style: none; margin: 0; padding: 0; }
li.note { border-top: 1px solid #edf0f3; padding: 7px 0; }
li.note:first-child { border-top: none; }
.body { white-space: pre-wrap; overflow-wrap: anywhere; }
.meta { color: #6b7783; font-size: 11px; display: flex; gap: 4px; align-items: center; flex-wrap: wrap; }
.empty { color: #6b7783; font-style: italic; }
.error { color: #a4161a; background: #fdecec; border-radius: 6px; padding: 6px 8px; margin-top: 8px; }
`;
