/**
 * The site SDK's prompt CSS, applied inside each prompt's shadow root (sdk/src/prompts.ts), so
 * the site's stylesheets cannot restyle or hide the prompt and the prompt's rules cannot leak into
 * the site. `:host { all: initial }` also stops inherited properties (font, color, line-height)
 * from coming in. Adopted as a constructed stylesheet where the browser can: a site's CSP that
 * refuses inline <style> does not apply to those.
 */
export const PROMPT_CSS = `
:host {
  all: initial;
  --pd-bg: #ffffff;
  --pd-fg: #111827;
  --pd-muted: #4b5563;
  --pd-border: #d1d5db;
  --pd-accent: #2563eb;
  --pd-accent-fg: #ffffff;
  --pd-focus: #1d4ed8;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  font-size: 15px;
  line-height: 1.45;
  color: var(--pd-fg);
}
@media (prefers-color-scheme: dark) {
  :host {
    --pd-bg: #1f2937;
    --pd-fg: #f9fafb;
    --pd-muted: #d1d5db;
    --pd-border: #4b5563;
    --pd-accent: #3b82f6;
    --pd-focus: #93c5fd;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }

.card {
  background: var(--pd-bg);
  color: var(--pd-fg);
  border: 1px solid var(--pd-border);
  border-radius: 12px;
  box-shadow: 0 10px 30px rgba(0, 0, 0, 0.18);
  padding: 16px 18px;
  width: min(420px, calc(100vw - 24px));
  max-height: calc(100vh - 24px);
  overflow: auto;
  text-align: left;
}
.slidedown {
  position: fixed;
  top: 12px;
  left: 50%;
  transform: translateX(-50%);
  animation: pd-slide 240ms ease-out;
  z-index: 2147483000;
}
@keyframes pd-slide {
  from { transform: translate(-50%, -140%); }
  to { transform: translate(-50%, 0); }
}
@media (prefers-reduced-motion: reduce) {
  .slidedown { animation: none; }
}
.head { display: flex; gap: 12px; align-items: flex-start; }
.icon { flex: none; width: 28px; height: 28px; color: var(--pd-accent); }
.icon svg { width: 100%; height: 100%; display: block; }
h2 { margin: 0 0 4px; font-size: 17px; font-weight: 600; line-height: 1.3; color: var(--pd-fg); }
p { margin: 0; color: var(--pd-muted); }
fieldset { border: 0; margin: 12px 0 0; padding: 0; }
legend { padding: 0; margin: 0 0 6px; font-weight: 600; font-size: 14px; color: var(--pd-fg); }
label.topic { display: flex; gap: 8px; align-items: center; padding: 3px 0; cursor: pointer; color: var(--pd-fg); }
label.topic input { width: 16px; height: 16px; margin: 0; accent-color: var(--pd-accent); }
.steps { margin: 8px 0 0; padding-left: 20px; color: var(--pd-fg); }
.steps li { margin: 2px 0; }
.status { margin-top: 10px; font-size: 14px; color: var(--pd-fg); }
.status:empty { display: none; }
.actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; flex-wrap: wrap; }
button {
  font: inherit;
  font-size: 14px;
  font-weight: 600;
  border-radius: 8px;
  padding: 8px 14px;
  cursor: pointer;
  border: 1px solid var(--pd-border);
  background: transparent;
  color: var(--pd-fg);
  min-height: 36px;
}
button.primary { background: var(--pd-accent); border-color: var(--pd-accent); color: var(--pd-accent-fg); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--pd-focus); outline-offset: 2px; }
button:disabled { opacity: 0.6; cursor: default; }

.bell {
  position: fixed;
  right: 20px;
  bottom: 20px;
  width: 56px;
  height: 56px;
  border-radius: 50%;
  padding: 14px;
  background: var(--pd-accent);
  border-color: var(--pd-accent);
  color: var(--pd-accent-fg);
  box-shadow: 0 6px 18px rgba(0, 0, 0, 0.25);
  z-index: 2147483000;
}
.bell svg { width: 100%; height: 100%; display: block; }
.bell.on::after {
  content: '';
  position: absolute;
  top: 10px;
  right: 10px;
  width: 10px;
  height: 10px;
  border-radius: 50%;
  background: #22c55e;
  border: 2px solid var(--pd-accent);
}
.panel { position: fixed; right: 20px; bottom: 88px; width: min(380px, calc(100vw - 40px)); z-index: 2147483000; }
.panel .card { width: 100%; max-height: calc(100vh - 110px); }

.inline { display: inline-flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.inline .status { margin: 0; }
`;
