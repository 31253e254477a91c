// Tabs as WAI-ARIA describes them (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): one tab stop, arrows move along.

/** Wires every role="tablist" on the page; each tab names its panel in aria-controls. */
export function wireTabs() {
  for (const list of document.querySelectorAll('[role="tablist"]')) {
    const tabs = Array.from(list.querySelectorAll('[role="tab"]'));
    const select = (chosen) => {
      for (const tab of tabs) {
        const selected = tab === chosen;
        tab.setAttribute('aria-selected', String(selected));
        tab.tabIndex = selected ? 0 : -1;
        document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected;
      }
    };
    const keys = {
      ArrowRight: (i) => (i + 1) % tabs.length,
      ArrowLeft: (i) => (i - 1 + tabs.length) % tabs.length,
      Home: () => 0,
      End: () => tabs.length - 1,
    };
    for (const tab of tabs) {
      tab.addEventListener('click', () => select(tab));
      tab.addEventListener('keydown', (event) => {
        const move = keys[event.key];
        if (!move) return;
        event.preventDefault();
        const next = tabs[move(tabs.indexOf(tab))];
        select(next);
        next.focus();
      });
    }
  }
}
