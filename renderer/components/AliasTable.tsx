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

/** The `bridge-*` names clients pick, and what each resolves to right now. Remount it to reload (the catalog changed). */
export function AliasTable() {
  const aliases = useLoad(loadAliases);
  const catalog = aliases.data?.catalog;
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
              <th>Source</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {(aliases.data?.rows ?? []).map((row) => (
              <tr key={row.alias} data-alias={row.alias}>
                <td>
                  <code className="alias">{row.alias}</code>
                  <div className="muted small">{row.description}</div>
                </td>
                <td>
                  <code>{row.slug}</code>
                </td>
                <td>{row.effort}</td>
                <td>{row.serviceTier === 'priority' ? <span className="badge">priority</span> : 'standard'}</td>
                <td>{row.source === 'override' ? <span className="badge badge-override">override</span> : row.source}</td>
                <td className="small">{row.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
