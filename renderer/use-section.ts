import { useEffect, useState } from 'react';

export const SECTIONS = [
  { id: 'overview', label: 'Overview' },
  { id: 'requests', label: 'Requests' },
  { id: 'usage', label: 'Usage' },
  { id: 'models', label: 'Models' },
  { id: 'settings', label: 'Settings' },
] as const;
export type SectionId = (typeof SECTIONS)[number]['id'];

function fromHash(): SectionId {
  const id = window.location.hash.slice(1);
  return SECTIONS.find((section) => section.id === id)?.id ?? 'overview';
}

/** The section shown is the page's URL fragment (`#settings`), so the tray can open the window on one. */
export function useSection(): SectionId {
  const [section, setSection] = useState<SectionId>(fromHash);
  useEffect(() => {
    const follow = () => setSection(fromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return section;
}
