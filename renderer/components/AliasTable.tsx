import type { BridgeSnapshot } from '../../shared/bridge-api.js';
import { useLoad } from '../use-async.js';
import { Section } from './Section.js';

/** The catalog status read after the list, so the label describes the list shown (listing may load the catalog). */
async function loadAliases() {
  const rows = await window.bridge.listAliases();
  const { catalog } = await window.bridge.getSnapshot();
  return { rows, catalog };
}

const CATALOG_LABEL: Record<BridgeSnapshot['catalog']['state'], string> = {
  live: 'live catalog',
  cached: 'cached catalog',
  default: 'built-in model list (catalog unavailable)',
};

function CatalogLabel({ catalog }: { catalog: BridgeSnapshot['catalog'] }) {
  return <span className="muted small">{`${CATALOG_LABEL[catalog.state]} · ${catalog.models} upstream models`}</span>;
}

/**
 * The `bridge-*` names clients pick, and what each resolves to right now. Dense: where a value comes from is said
 * once (the catalog, in the title) and on a row only when it differs (your override); the Note column appears only
 * when a row has one. Remount it to reload (the catalog changed).
 */
export function AliasTable() {
  const aliases = useLoad(loadAliases);
  const catalog = aliases.data?.catalog;
  const rows = aliases.data?.rows ?? [];
  const notes = rows.some((row) => row.note);
  return (
    <Section title="Models" actions={catalog ? <CatalogLabel catalog={catalog} /> : null}>
      {catalog?.lastError ? <p className="muted small">Last catalog refresh failed: {catalog.lastError}</p> : null}
      {aliases.error ? <p className="error-text">Could not list the models: {aliases.error}</p> : null}
      <div className="table-scroll">
        <table className="aliases">
          <thead>
            <tr>
              <th>Alias</th>
              <th>Upstream model</th>
              <th>Effort</th>
              <th>Tier</th>
              {notes ? <th>Note</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.alias} data-alias={row.alias}>
                <td>
                  <code className="alias">{row.alias}</code>
                  {row.source === 'override' ? <span className="badge badge-override">override</span> : null}
                  <div className="muted small">{row.description}</div>
                </td>
                <td>
                  <code>{row.slug}</code>
                </td>
                <td>{row.effort}</td>
                <td>{row.serviceTier === 'priority' ? <span className="badge">priority</span> : 'standard'}</td>
                {notes ? <td className="small">{row.note ?? ''}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
